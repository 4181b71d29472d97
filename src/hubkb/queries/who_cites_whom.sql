-- title: Who cites whom, and through whom
-- description: >-
--   Each post's authors citing a person or organisation (a definition, a quote or a work) and the relay
--   the citation came through. Type a name to keep the rows where it is the citing author, the cited or
--   the relay; leave empty for all.
-- hide_sql: true
-- hubkb:
--   submit: Show the citations
--   params:
--     name: {label: Person or organisation, example: Nesta, hint: 'citing, cited or relay; empty for all'}
with
-- include: _who.sql
,
links as (
  select d.post_id, 'definition' as how, coalesce(g.person_id, g.organisation_id) as cited_id, g.name as cited,
         d.work_id, d.via_person_id, d.paragraph_id
  from definition_givers g join definitions d on d.id = g.definition_id
  union all
  select q.post_id, 'quote', coalesce(g.person_id, g.organisation_id), g.name, q.work_id, q.via_person_id, q.paragraph_id
  from quote_givers g join quotes q on q.id = g.quote_id
  union all
  select c.post_id, 'work', coalesce(wa.person_id, wa.organisation_id), wa.name, c.work_id, c.via_person_id, c.paragraph_id
  from citations c join work_authors wa on wa.work_id = c.work_id
)
select
  (select group_concat(value, ', ') from json_each(posts.authors)) as citing,
  links.cited,
  links.how,
  works.title as work,
  via.name as through,
  posts.title as post,
  posts.date as date,
  coalesce(links.paragraph_id, links.post_id) as anchor
from links
join posts on posts.id = links.post_id
left join works on works.id = links.work_id
left join people as via on via.id = links.via_person_id
where trim(:name) = ''
   or links.cited_id in (select id from who)
   or links.via_person_id in (select id from who)
   or exists (select 1 from post_authors pa where pa.post_id = links.post_id and pa.person_id in (select id from who))
order by posts.date, links.post_id, links.paragraph_id, links.how, links.cited
