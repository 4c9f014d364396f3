-- Quality rule Q31: a reference to an unknown participant or business (the importer refuses
-- them; this catches data that reached the database another way).
-- Parameters: none.
-- Grain: one row per offending reference (id = the referencing record's pseudonym).
with verweise as (
    select tn_id as id, tn_id as person, 'Aktivität' as tabelle, 'Person' as ziel,
           tn_id as nummer
    from stg_aktivitaeten
    union all
    select tn_id, tn_id, 'Vermittlung', 'Person', tn_id from stg_vermittlungen
    union all
    select tn_id, tn_id, 'Aktivität', 'Betrieb', betrieb_id from stg_aktivitaeten
    where betrieb_id is not null
    union all
    select tn_id, tn_id, 'Vermittlung', 'Betrieb', betrieb_id from stg_vermittlungen
    where betrieb_id is not null
    union all
    select betrieb_id, null, 'Beratung', 'Betrieb', betrieb_id from stg_beratungen
)
select v.id, v.tabelle || ': unbekannte(r) ' || v.ziel || ' ' || v.nummer as details,
       t.quartier, t.traeger
from verweise v
left join stg_teilnehmende t on t.tn_id = v.person
where case when v.ziel = 'Person'
           then v.nummer not in (select tn_id from stg_teilnehmende)
           else v.nummer not in (select betrieb_id from stg_betriebe) end
order by v.id
