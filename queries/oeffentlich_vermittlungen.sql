-- Public figures: entrants placed in work or training, each person once, by the first
-- placement (its year and type), with the person's year of entry.
-- Parameters: none.
-- Grain: one row per quartier, year of entry, year of first placement and type of the first
-- placement; anzahl = persons. Only persons with a formal entry count (as in the entries).
with erste as (
    select v.tn_id, v.beginn, v.art,
           row_number() over (partition by v.tn_id order by v.beginn) as nr
    from stg_vermittlungen v
),
final as (
    select t.quartier, year(t.eintritt) as eintritt_jahr, year(e.beginn) as jahr, e.art,
           count(*) as anzahl
    from erste e
    join stg_teilnehmende t using (tn_id)
    where e.nr = 1 and t.eintritt is not null
    group by all
    order by all
)
select * from final
