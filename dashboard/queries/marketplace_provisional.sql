-- The months each framework family's latest release still calls provisional (its newest months): few rows.
SELECT framework_family, month
FROM mart_marketplace_monthly
WHERE area_level = 'national' AND is_provisional
ORDER BY framework_family, month
