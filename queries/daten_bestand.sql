-- Stored rows per table of the data contract (what the database holds right now); for the
-- district outlines also whether they are schematic (drawn by the demo) or real geodata.
-- Parameters: none.
-- Grain: one row per contract table plus the district outlines, in load order.
select * from (values
    (1, 'stadtteile', (select count(*) from stadtteile), null::boolean),
    (2, 'ziele', (select count(*) from ziele), null),
    (3, 'betriebe', (select count(*) from betriebe), null),
    (4, 'teilnehmende', (select count(*) from teilnehmende), null),
    (5, 'aktivitaeten', (select count(*) from aktivitaeten), null),
    (6, 'vermittlungen', (select count(*) from vermittlungen), null),
    (7, 'beratungen', (select count(*) from beratungen), null),
    (8, 'leerstaende', (select count(*) from leerstaende), null),
    (9, 'raumgesuche', (select count(*) from raumgesuche), null),
    (10, 'stadtteil_geo', (select count(*) from stadtteil_geo),
        (select bool_or(schematisch) from stadtteil_geo))
) as t(reihenfolge, tabelle, zeilen, schematisch)
order by reihenfolge
