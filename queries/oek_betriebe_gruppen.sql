-- Counts of advised businesses for the Betriebe page (issue 14: some dozen rows instead of
-- one per business): per Stadtteil, Quartier, Branche, Gründungsjahr and overall, each split
-- by migrantenoekonomie. Businesses of the macro betriebe_beraten; the rules are those of the
-- catalogue figures aktiv_am_stichtag, stabil_12 and stabil_24 (tests/betriebe_je_betrieb.py
-- works them out business by business; tests compare both).
-- Parameters: $quartier, $von, $bis, $branchen (those of the macro betriebe_beraten:
--   $quartier = seat of the business, NULL = both; $von/$bis = at least one consultation
--   in the period, inclusive; $branchen = list of sectors, NULL = all).
-- Grain: one row per ebene ('stadtteil', 'quartier', 'branche', 'gruendungsjahr', 'alle'),
--   value of that column (the others NULL) and migrantenoekonomie.
--   betriebe: advised businesses; beratungen: consultations in the period;
--   aktiv_am_stichtag: founded by the stichtag and not closed by then;
--   bekannt_12/_24: advised on or before founding, fate known, founded >= 12/24 calendar
--   months before the stichtag; stabil_12/_24: of them not closed within 12/24 months.
with beraten as (     -- macro in biwaq/speicher/sql/makros.sql
    select b.stadtteil, b.quartier, b.branche, year(b.gruendung) as gruendungsjahr,
           b.migrantenoekonomie, b.beratungen_zeitraum,
           b.gruendung <= b.stichtag
               and (b.status = 'aktiv' or coalesce(b.status_datum > b.stichtag, false))
               as aktiv,
           b.erste_beratung <= b.gruendung
               and not (b.status = 'geschlossen' and b.status_datum is null) as von_anfang,
           b.gruendung + interval 12 month as grenze_12,
           b.gruendung + interval 24 month as grenze_24,
           b.stichtag,
           case when b.status = 'geschlossen' then b.status_datum end as zu_am
    from betriebe_beraten($quartier, $von, $bis, $branchen) b
),
final as (
    select case when grouping(stadtteil) = 0 then 'stadtteil'
                when grouping(quartier) = 0 then 'quartier'
                when grouping(branche) = 0 then 'branche'
                when grouping(gruendungsjahr) = 0 then 'gruendungsjahr'
                else 'alle' end as ebene,
           stadtteil, quartier, branche, gruendungsjahr, migrantenoekonomie,
           count(*) as betriebe,
           sum(beratungen_zeitraum)::bigint as beratungen,
           count(*) filter (where aktiv) as aktiv_am_stichtag,
           count(*) filter (where von_anfang and grenze_12 <= stichtag) as bekannt_12,
           count(*) filter (where von_anfang and grenze_12 <= stichtag
                            and not coalesce(zu_am <= grenze_12, false)) as stabil_12,
           count(*) filter (where von_anfang and grenze_24 <= stichtag) as bekannt_24,
           count(*) filter (where von_anfang and grenze_24 <= stichtag
                            and not coalesce(zu_am <= grenze_24, false)) as stabil_24
    from beraten
    group by grouping sets ((stadtteil, migrantenoekonomie), (quartier, migrantenoekonomie),
                            (branche, migrantenoekonomie),
                            (gruendungsjahr, migrantenoekonomie), (migrantenoekonomie))
)
select * from final
order by ebene, stadtteil, quartier, branche, gruendungsjahr, migrantenoekonomie
