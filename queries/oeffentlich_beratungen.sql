-- Public figures: consultations of local businesses by programme area and format, per
-- business (the business key is needed for the dominance rule and never leaves publishing).
-- Parameters: none.
-- Grain: one row per business and consultation format; anzahl = consultations.
with final as (
    select b.betrieb_id, b.quartier, r.format, count(*) as anzahl
    from stg_beratungen r
    join stg_betriebe b using (betrieb_id)
    group by all
    order by all
)
select * from final
