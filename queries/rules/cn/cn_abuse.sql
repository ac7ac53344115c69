-- rule:    CN-ABUSE, NIFA convention (2018); consumer finance company rules (2024): no
--          violence, threats, intimidation, insults or false claims.
-- purpose: contacts whose note contains a term of the pack's lexicon; the matched
--          terms are the evidence.
-- grain:   offending contact
-- inputs:  stg_contacts, param_lexicon (the CSV named by $lexicon: term, lang,
--          category), also read as getvariable('param_lexicon')
-- params:  lexicon (table, default abuse_lexicon.csv beside this file),
--          $regimes (the pack's; the engine reports no other, so filter early)
-- reading: every contact with a note is assessed, whatever its direction, channel or
--          party. Matching ignores case. English terms (lang en) match whole words
--          only ('warrant' does not match 'warranty'); a space in a term matches any
--          run of white space and an apostrophe matches ' or ’. Other terms (Chinese)
--          match as substrings. Where terms overlap at one position the longest wins
--          (爆通讯录 over 通讯录).
-- note:    DuckDB-specific. The lexicon is turned into ONE regular expression so each
--          note is scanned once. The expression is built from getvariable(), which the
--          planner folds to a constant, so RE2 compiles it once per query rather than
--          once per row (a pattern read from a table column is compiled per row).
with notes as (
    select contact_id, note
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and note is not null
),

matched as (
    select
        contact_id,
        regexp_extract_all(
            note,
            coalesce(nullif(array_to_string(
                list_transform(
                    list_sort(list_transform(
                        list_filter(
                            getvariable('param_lexicon'),
                            lambda x: coalesce(trim(x.term), '') <> ''
                        ),
                        lambda x: struct_pack(
                            longest_first := -length(trim(x.term)),
                            pattern := (
                                case when lower(trim(x.lang)) = 'en'
                                    and regexp_matches(trim(x.term), '^\w') then '\b' else '' end
                                || replace(regexp_replace(
                                    regexp_replace(lower(trim(x.term)),
                                        '([.^$|()\[\]{}*+?\\])', '\\\1', 'g'),
                                    '\s+', '\\s+', 'g'), '''', '[''’]')
                                || case when lower(trim(x.lang)) = 'en'
                                    and regexp_matches(trim(x.term), '\w$') then '\b' else '' end
                            )
                        )
                    )),
                    lambda s: s.pattern
                ),
                '|'
            ), ''), '[^\s\S]'),
            0,
            'i'
        ) as matches
    from notes
),

hits as (
    select contact_id, unnest(matches) as hit, generate_subscripts(matches, 1) as position
    from matched
    where len(matches) > 0
),

-- the same normal form on both sides: lower case, single spaces, plain apostrophes
lexicon_terms as (
    select distinct
        lower(regexp_replace(replace(trim(term), '’', ''''), '\s+', ' ', 'g')) as term_key,
        trim(term) as term,
        coalesce(category, '') as category
    from param_lexicon
    where coalesce(trim(term), '') <> ''
),

matched_terms as (
    select h.contact_id, t.term, t.category, min(h.position) as first_position
    from hits as h
    inner join lexicon_terms as t
        on t.term_key = lower(regexp_replace(replace(h.hit, '’', ''''), '\s+', ' ', 'g'))
    group by h.contact_id, t.term, t.category
),

per_contact as (
    select
        contact_id,
        count(*)::integer as terms,
        string_agg(term, ', ' order by first_position, term) as term_list,
        string_agg(
            term || case when category <> '' then ' (' || category || ')' else '' end,
            ', ' order by first_position, term
        ) as term_categories
    from matched_terms
    group by contact_id
),

final as (
    select
        contact_id,
        terms as evidence_count,
        term_list as detail,
        'note contains abusive or threatening wording: ' || term_categories as evidence
    from per_contact
    union all
    -- fail loudly rather than report a clean bill when no term was loaded. The check
    -- stays out of the pattern: error() there would stop the planner folding it.
    select
        error('CN-ABUSE: the lexicon is empty or was not loaded')::varchar,
        null,
        null,
        null
    where getvariable('param_lexicon') is null
)

select * from final
