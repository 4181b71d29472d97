-- title: Search passages
-- description: >-
--   The 20 paragraphs that best match words or a "phrase" (bm25), matches highlighted. Words are searched
--   as typed (no operators); a trailing * searches a prefix (copro*); 27ème finds 27e and co-production
--   finds coproduction. The anchor leads to the paragraph in its post.
-- hide_sql: true
-- hubkb:
--   submit: Search
--   params:
--     q: {label: 'Words or a "phrase"', example: 27ème région, hint: 'a trailing * searches a prefix: copro*'}

-- The one passage search: this canned query and `hubkb search` both run this file.
-- :q is what the user typed. hubkb_fts_exact() makes it a safe FTS5 expression of the words
-- as typed (27ème and co-production in every spelling), hubkb_fts_others() the paragraphs
-- that hold only other French forms of them (définitions -> définition), or both pass
-- `hubkb search --raw` syntax through. :_hubkb_limit and :_hubkb_candidates are magic
-- parameters of the hubkb plugin (20 and 1,000 on the web), never form fields.
-- The tiers match with hubkb_fts_rank*(): a single word without its other spellings
-- (co production, 27eme), which search_variants gives every row that writes them: the same
-- rows, ranked without bm25 reading every row of the phrase. Snippets highlight every spelling.
-- Exact forms rank first. bm25 scores every match it ranks (1.5 to 3 µs each at 10,000 posts),
-- so each tier ranks its first :_hubkb_candidates matches only, and other forms are ranked only
-- when the words as typed fill fewer than :_hubkb_limit rows.
-- Before it scores a match, bm25 reads every row of each phrase (its weight): a cost that grows with
-- the corpus. A large corpus's first 100,000 paragraphs have an index of their own (paragraphs_fts_rank,
-- empty in a smaller one): when they hold the first :_hubkb_candidates matches, that index ranks them,
-- the same rows weighed by the words' frequencies in those paragraphs; else the whole index does.
with sampled as materialized (
  select rowid, bm25(paragraphs_fts_rank, 1.0, 0.5) as score
  from paragraphs_fts_rank
  where paragraphs_fts_rank match hubkb_fts_rank(:q)
  limit :_hubkb_candidates
), exact as materialized (
  select rowid, score from sampled where (select count(*) from sampled) >= :_hubkb_candidates
  union all
  select rowid, bm25(paragraphs_fts, 1.0, 0.5)
  from paragraphs_fts
  where paragraphs_fts match (
    select case when count(*) < :_hubkb_candidates then hubkb_fts_rank(:q) else '""' end from sampled
  )
  limit :_hubkb_candidates
), others as materialized (
  select rowid, bm25(paragraphs_fts, 1.0, 0.5) as score
  from paragraphs_fts
  -- the guard is inside the MATCH argument, which is evaluated once before FTS5 reads its index:
  -- a WHERE term beside the MATCH would be tested row by row, after FTS5 had matched every row
  where paragraphs_fts match (
    select case when count(*) < :_hubkb_limit then hubkb_fts_rank_others(:q) else '""' end from exact
  )
  limit :_hubkb_candidates
), best as materialized (
  select rowid, score, 1 as tier from exact
  union all
  select rowid, score, 2 from others
  order by tier, score, rowid
  limit :_hubkb_limit
), found as materialized (
  -- snippets for the best rows only; the marks are private-use characters that
  -- hubkb_snippet_text() removes and hubkb_snippet_marks() lists, so none reach JSON or CSV
  select best.rowid, best.tier, best.score,
    snippet(paragraphs_fts, 0, char(57584), char(57585), '…', 32) as marked
  from best
  join paragraphs_fts on paragraphs_fts.rowid = best.rowid and paragraphs_fts match hubkb_fts_query(:q)
)
select
  paragraphs.id as anchor,
  posts.title as post,
  posts.date as date,
  hubkb_snippet_text(found.marked) as snippet,
  hubkb_snippet_marks(found.marked) as matched,
  -- the definitions and quotes anchored in the paragraph, ready for `hubkb cite --definition ID`
  (select json_group_array(json_object('kind', kind, 'id', id, 'term', term, 'by', json(given_by), 'via', via))
   from (
     select 'definition' as kind, d.id, t.label as term, d.by as given_by, v.name as via
     from definitions d left join terms t on t.id = d.term_id left join people v on v.id = d.via_person_id
     where d.paragraph_id = paragraphs.id
     union all
     select 'quote', q.id, null, q.by, v.name
     from quotes q left join people v on v.id = q.via_person_id
     where q.paragraph_id = paragraphs.id
     order by 1, 2
   )) as passages
from found
join paragraphs on paragraphs.rowid = found.rowid
join posts on posts.id = paragraphs.post_id
order by found.tier, found.score, found.rowid
