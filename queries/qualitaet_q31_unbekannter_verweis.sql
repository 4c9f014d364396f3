-- Quality rule Q31: a reference to an unknown participant or business (the importer refuses
-- them; this catches data that reached the database another way).
-- Parameters: none.
-- Grain: one row per offending reference (id = the referencing record's pseudonym).
-- Anti-joins per referencing table (issue 14: scale 1000, 10 M activities, about 1.7× faster
-- than `not in` over the union of all references); a missing reference is no violation.
with verweise as (
    select a.tn_id as id, a.tn_id as person, 'Aktivität' as tabelle, 'Person' as ziel,
           a.tn_id as nummer
    from stg_aktivitaeten a anti join stg_teilnehmende t on t.tn_id = a.tn_id
    where a.tn_id is not null
    union all
    select v.tn_id, v.tn_id, 'Vermittlung', 'Person', v.tn_id
    from stg_vermittlungen v anti join stg_teilnehmende t on t.tn_id = v.tn_id
    where v.tn_id is not null
    union all
    select a.tn_id, a.tn_id, 'Aktivität', 'Betrieb', a.betrieb_id
    from stg_aktivitaeten a anti join stg_betriebe b on b.betrieb_id = a.betrieb_id
    where a.betrieb_id is not null
    union all
    select v.tn_id, v.tn_id, 'Vermittlung', 'Betrieb', v.betrieb_id
    from stg_vermittlungen v anti join stg_betriebe b on b.betrieb_id = v.betrieb_id
    where v.betrieb_id is not null
    union all
    select r.betrieb_id, null, 'Beratung', 'Betrieb', r.betrieb_id
    from stg_beratungen r anti join stg_betriebe b on b.betrieb_id = r.betrieb_id
    where r.betrieb_id is not null
)
select v.id, v.tabelle || ': unbekannte(r) ' || v.ziel || ' ' || v.nummer as details,
       t.quartier, t.traeger
from verweise v
left join stg_teilnehmende t on t.tn_id = v.person
order by v.id
