-- Facts about the loaded data: source (demo or import), data stand, build time.
-- Parameters: none.
-- Grain: one row per key of the _meta table.
select schluessel, wert
from _meta
order by schluessel
