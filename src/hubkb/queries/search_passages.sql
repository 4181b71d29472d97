-- title: Search passages
-- description: >-
--   The 20 paragraphs that best match words or a "phrase" (bm25), matches highlighted. Words are searched
--   as typed (no operators); a trailing * searches a prefix (copro*); 27ème finds 27e and co-production
--   finds coproduction. The anchor leads to the paragraph in its post.

-- The one passage search: this canned query and `hubkb search` both run this file.
-- :q is what the user typed; hubkb_fts_query() makes it a safe FTS5 expression (or passes
-- `hubkb search --raw` syntax through). :_hubkb_limit and :_hubkb_candidates are magic
-- parameters of the hubkb plugin (20 and 5,000 on the web), never form fields.
-- bm25 scores every match it ranks (about 1 µs each), so only the first candidates are ranked.
with candidates as materialized (
  select rowid, bm25(paragraphs_fts, 1.0, 0.5) as score
  from paragraphs_fts
  where paragraphs_fts match hubkb_fts_query(:q)
  limit :_hubkb_candidates
), best as materialized (
  select rowid, score from candidates order by score, rowid limit :_hubkb_limit
), found as materialized (
  -- snippets for the best rows only; the marks are private-use characters that
  -- hubkb_snippet_text() removes and hubkb_snippet_marks() lists, so none reach JSON or CSV
  select best.rowid, best.score,
    snippet(paragraphs_fts, 0, char(57584), char(57585), '…', 32) as marked
  from best
  join paragraphs_fts on paragraphs_fts.rowid = best.rowid and paragraphs_fts match hubkb_fts_query(:q)
)
select
  paragraphs.id as anchor,
  posts.title as post,
  posts.date as date,
  hubkb_snippet_text(found.marked) as snippet,
  hubkb_snippet_marks(found.marked) as matched
from found
join paragraphs on paragraphs.rowid = found.rowid
join posts on posts.id = paragraphs.post_id
order by found.score, found.rowid
