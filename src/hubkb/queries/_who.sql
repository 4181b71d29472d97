-- The people and organisations a :name names: an exact name, alias or id wins; otherwise every
-- name that contains the words typed. Included by everything_about.sql and who_cites_whom.sql.

candidates as (
  select 'person' as kind, id, name,
         id = :name or hubkb_fold(name) = hubkb_fold(:name)
         or exists (select 1 from json_each(people.aliases) where hubkb_fold(value) = hubkb_fold(:name)) as exact
  from people
  where trim(:name) != ''
    and (id = :name or instr(hubkb_fold(name), hubkb_fold(:name))
         or exists (select 1 from json_each(people.aliases) where instr(hubkb_fold(value), hubkb_fold(:name))))
  union all
  select 'organisation', id, name,
         id = :name or hubkb_fold(name) = hubkb_fold(:name)
         or exists (select 1 from json_each(organisations.aliases) where hubkb_fold(value) = hubkb_fold(:name))
  from organisations
  where trim(:name) != ''
    and (id = :name or instr(hubkb_fold(name), hubkb_fold(:name))
         or exists (select 1 from json_each(organisations.aliases) where instr(hubkb_fold(value), hubkb_fold(:name))))
),
who as (
  -- an exact name, alias or id wins; otherwise every name that contains the words typed
  select kind, id, name from candidates
  where exact or not exists (select 1 from candidates where exact)
)
