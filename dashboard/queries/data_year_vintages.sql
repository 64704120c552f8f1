-- The ONS geography vintage each financial year is shown in, and why (dim_year_vintage).
SELECT financial_year, vintage, basis FROM dim_year_vintage ORDER BY financial_year
