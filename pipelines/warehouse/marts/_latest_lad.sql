-- The latest vintage of LADs: today's districts, the ones buyers and councils resolve to.
CREATE TEMP TABLE _lad AS
SELECT * FROM dim_lad WHERE vintage = (SELECT max(vintage) FROM dim_lad)
