-- Public figures: participants (formal entries) by programme area and year of entry, with the
-- number in each target group (groups overlap: a person counts in every group that applies).
-- Parameters: none (the public tables always cover all partners, groups and years).
-- Grain: one row per quartier and year of entry; anzahl = entrants, the other columns count
-- the entrants in each target group.
with tn as (
    select quartier, year(eintritt) as jahr, alleinerziehend, ab55,
           migrationshintergrund, schutzsuchend, langzeitarbeitslos
    from mart_teilnehmende
    where eintritt is not null
),
final as (
    select quartier, jahr,
           count(*) as anzahl,
           count(*) filter (where alleinerziehend) as alleinerziehend,
           count(*) filter (where ab55) as "55plus",
           count(*) filter (where migrationshintergrund) as migrationshintergrund,
           count(*) filter (where schutzsuchend) as schutzsuchend,
           count(*) filter (where langzeitarbeitslos) as langzeitarbeitslos
    from tn
    group by all
    order by quartier, jahr
)
select * from final
