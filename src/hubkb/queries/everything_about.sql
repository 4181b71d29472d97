-- title: Everything about a person or organisation
-- description: >-
--   The posts they wrote, the works they authored or published, the definitions and quotes they gave,
--   the citations they relayed, the citations of their works and every paragraph that mentions them.
--   Type a name, part of a name, an alias or an id.
-- hide_sql: true
-- hubkb:
--   submit: Show everything
--   params:
--     name: {label: Person or organisation, example: Laura Pandelle, hint: 'a name, part of a name, an alias or an id'}
with
-- include: _who.sql
,
facts as (
  select who.name, 'wrote the post' as role, posts.title as what, posts.id as post_id, posts.id as anchor
  from who join post_authors on post_authors.person_id = who.id and who.kind = 'person'
  join posts on posts.id = post_authors.post_id
  union all
  select who.name, 'member of ' || organisations.name, null, null, null
  from who join person_organisations po on po.person_id = who.id and who.kind = 'person'
  join organisations on organisations.id = po.organisation_id
  union all
  select who.name, 'author of the work', works.title || coalesce(' (' || works.year || ')', ''), null, null
  from who join work_authors on (work_authors.person_id = who.id and who.kind = 'person')
                             or (work_authors.organisation_id = who.id and who.kind = 'organisation')
  join works on works.id = work_authors.work_id
  union all
  select who.name, 'gave a definition of ' || terms.label, definitions.text, definitions.post_id, definitions.paragraph_id
  from who join definition_givers g on (g.person_id = who.id and who.kind = 'person')
                                    or (g.organisation_id = who.id and who.kind = 'organisation')
  join definitions on definitions.id = g.definition_id
  join terms on terms.id = definitions.term_id
  union all
  select who.name, 'quoted', quotes.text, quotes.post_id, quotes.paragraph_id
  from who join quote_givers g on (g.person_id = who.id and who.kind = 'person')
                               or (g.organisation_id = who.id and who.kind = 'organisation')
  join quotes on quotes.id = g.quote_id
  union all
  select who.name, 'relayed a definition by ' || (select group_concat(value, ' & ') from json_each(definitions.by)),
         definitions.text, definitions.post_id, definitions.paragraph_id
  from who join definitions on definitions.via_person_id = who.id and who.kind = 'person'
  union all
  select who.name, 'relayed a quote of ' || (select group_concat(value, ' & ') from json_each(quotes.by)),
         quotes.text, quotes.post_id, quotes.paragraph_id
  from who join quotes on quotes.via_person_id = who.id and who.kind = 'person'
  union all
  select who.name, 'relayed a citation of the work', works.title, citations.post_id, citations.paragraph_id
  from who join citations on citations.via_person_id = who.id and who.kind = 'person'
  join works on works.id = citations.work_id
  union all
  select who.name, 'their work is cited', works.title, citations.post_id, coalesce(citations.paragraph_id, citations.post_id)
  from who join works on exists (
      select 1 from work_authors wa where wa.work_id = works.id
      and ((wa.person_id = who.id and who.kind = 'person') or (wa.organisation_id = who.id and who.kind = 'organisation')))
    or (who.kind = 'organisation' and hubkb_fold(works.publisher) = hubkb_fold(who.name))
  join citations on citations.work_id = works.id
  union all
  select who.name, 'publisher of the work', works.title || coalesce(' (' || works.year || ')', ''), null, null
  from who join works on who.kind = 'organisation' and hubkb_fold(works.publisher) = hubkb_fold(who.name)
  union all
  select who.name, 'mentioned as “' || coalesce(mentions.surface, entities.name) || '”',
         substr(paragraphs.text, 1, 200) || case when length(paragraphs.text) > 200 then '…' else '' end,
         paragraphs.post_id, paragraphs.id
  from who join entities on entities.type = who.kind and entities.entity_id = who.id
  join mentions on mentions.entity = entities.id
  join paragraphs on paragraphs.rowid = mentions.paragraph
)
select facts.name, facts.role, facts.what, posts.title as post, posts.date as date, facts.anchor
from facts left join posts on posts.id = facts.post_id
order by facts.name, posts.date is not null, posts.date, facts.post_id, facts.anchor, facts.role
