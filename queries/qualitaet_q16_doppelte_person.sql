-- Quality rule Q16: possibly the same person twice – the same personal data in every
-- compared column (quality.Q16_MERKMALE: quartier, stadtteil, traeger, geschlecht,
-- geburtsjahr, the four target-group flags, sgb2_bezug, bildungsniveau, zugangsweg; missing
-- values count as equal) and first contacts at most 30 days apart. Entry, exit and exit
-- reason are not compared. Every person in such a pair is listed.
-- Runs in about linear time (issue 13.14): people are partitioned by the compared columns
-- (hash partitioning, no self-join) and only neighbours in first-contact order within 30
-- days are looked at; details name the nearest earlier and later look-alike and how many
-- more there are (so a group of many identical records does not give a quadratic list).
-- Parameters: none.
-- Grain: one row per participant in such a pair (id = tn_id).
with fenster as (
    select tn_id, quartier, traeger, erstkontakt,
           count(*) over nah - 1 as weitere,
           lag(tn_id) over folge as davor_id, lag(erstkontakt) over folge as davor_am,
           lead(tn_id) over folge as danach_id, lead(erstkontakt) over folge as danach_am
    from stg_teilnehmende
    where erstkontakt is not null
    window gleich as (partition by quartier, stadtteil, traeger, geschlecht, geburtsjahr,
                                   alleinerziehend, migrationshintergrund, schutzsuchend,
                                   langzeitarbeitslos, sgb2_bezug, bildungsniveau, zugangsweg),
           folge as (gleich order by erstkontakt, tn_id),
           nah as (gleich order by erstkontakt
                   range between interval 30 days preceding and interval 30 days following)
),
nachbarn as (
    select *,
           case when datediff('day', davor_am, erstkontakt) <= 30 then davor_id end as davor,
           case when datediff('day', erstkontakt, danach_am) <= 30 then danach_id end as danach
    from fenster
    where weitere > 0
)
select tn_id as id,
       'gleiche Angaben wie ' || concat_ws(', ', davor, danach)
       || case when weitere > (davor is not null)::int + (danach is not null)::int
               then ' und ' || (weitere - (davor is not null)::int - (danach is not null)::int)
                    || ' weitere'
               else '' end as details,
       quartier, traeger
from nachbarn
order by id
