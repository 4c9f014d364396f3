-- Progress against the agreed targets for persons reached and entries, per target group and
-- area, with the share of the target period elapsed at the cut-off date.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $bis (end of the period);
--   $laufzeit_start (start of every target period: the project start).
-- Grain: one row per target of kind 'teilnehmende' or 'eintritte' that fits the filters:
--   with a Quartier filter only that area's targets, with a Zielgruppe filter only that
--   group's targets. wert counts persons (in the target's area and group, and the chosen
--   Träger) with Erstkontakt resp. Eintritt from $laufzeit_start to stichtag =
--   least($bis, data stand, deadline); zeit_anteil = elapsed share of the target period
--   at stichtag. The start of the period filter does not apply (targets are cumulative).
with ziele as (
    select z.*, least(stichtag($bis), z.bis) as stichtag     -- macro in biwaq/sql/makros.sql
    from stg_ziele z
    where z.kennzahl in ('teilnehmende', 'eintritte')
      and ($quartier is null or z.quartier = $quartier)
      and ($zielgruppe is null or z.zielgruppe = $zielgruppe)
),
tn as (         -- Quartier and Zielgruppe come from each target, not from the filters
    select * from teilnehmende_gefiltert(null, $traeger, null)
),
final as (
    select
        z.kennzahl, z.quartier, z.zielgruppe, z.zielwert, z.bis, z.stichtag,
        count(t.tn_id) as wert,
        greatest(0.0, least(1.0, (z.stichtag - cast($laufzeit_start as date) + 1)
                                 / (z.bis - cast($laufzeit_start as date) + 1))) as zeit_anteil
    from ziele z
    left join tn t
      on (z.quartier is null or t.quartier = z.quartier)
     and (z.zielgruppe is null or list_contains(t.zielgruppen, z.zielgruppe))
     and (case z.kennzahl when 'teilnehmende' then t.erstkontakt else t.eintritt end)
         between cast($laufzeit_start as date) and z.stichtag
    group by all
    order by z.kennzahl desc, z.zielgruppe nulls first, z.quartier nulls first
)
select * from final
