-- title: Every definition of a term
-- description: >-
--   The definitions of a term side by side: text, who gave it, the work, the relay it came through, the
--   post and its date. Type a term, its id or an alias (coproduction, innovation); leave empty for every
--   definition.
-- hide_sql: true
-- hubkb:
--   submit: Show the definitions
--   params:
--     term: {label: Term, example: coproduction, hint: 'a label, an id or an alias; empty for every definition'}
select
  terms.label as term,
  definitions.text as definition,
  (select group_concat(value, ' & ') from json_each(definitions.by)) as given_by,
  works.title as work,
  works.year as year,
  via.name as cited_by,
  posts.title as post,
  posts.date as date,
  definitions.paragraph_id as anchor
from definitions
join terms on terms.id = definitions.term_id
join posts on posts.id = definitions.post_id
left join works on works.id = definitions.work_id
left join people as via on via.id = definitions.via_person_id
where trim(:term) = ''
   or terms.id = :term
   or hubkb_fold(terms.label) = hubkb_fold(:term)
   or exists (select 1 from json_each(terms.aliases) where hubkb_fold(value) = hubkb_fold(:term))
order by terms.label, coalesce(works.year, posts.year), posts.date, definitions.id
