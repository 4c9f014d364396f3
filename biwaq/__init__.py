"""BIWAQ Erfurt dashboard library: contract, demo data, store, queries, exports, charts."""
