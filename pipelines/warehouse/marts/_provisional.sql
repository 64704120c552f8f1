-- The newest months of each framework family: late supplier returns still revise them, so pages mark them.
CREATE TEMP TABLE _provisional AS
SELECT framework_family, month, financial_year
FROM (
    SELECT DISTINCT c.framework_family, c.month, c.financial_year
    FROM fact_marketplace_spend f JOIN dim_spend_code c USING (spend_code_id)
)
QUALIFY dense_rank() OVER (PARTITION BY framework_family ORDER BY month DESC) <= $provisional_months
