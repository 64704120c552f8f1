-- The three strands of the reform per department and financial year: how it advertises on Contracts Finder
-- (notices published, share marked suitable for SMEs, share of awards won by SMEs where the supplier's size is
-- stated), its SME spend share (the Cabinet Office annex: that year's, else the latest published before it, with
-- the year it is for) and whether a
-- minister held a digital post in it during the year. Departments are lineages (DCMS through its renames): a
-- buyer's department is dim_buyer.department_id (today's parent department), its lineage from
-- dim_minister_department; a department outside the reference (govuk:<slug>) is its own lineage.
INSERT INTO mart_department_advertising BY NAME
WITH notice_dept AS (
    SELECT f.notice_id, f.financial_year, f.suitable_for_sme, f.awarded_to_sme, f.is_it,
           coalesce(d.lineage_id, b.department_id) AS lineage_id, b.department_id, b.department_name
    FROM fact_contract_notice f
    JOIN dim_buyer b ON b.buyer_name = f.buyer_name
    LEFT JOIN dim_minister_department d ON d.department_id = b.department_id
    WHERE b.org_kind = 'central_government' AND b.department_id IS NOT NULL
),
advertising AS (
    SELECT lineage_id, financial_year,
           min(department_id) AS department_id,
           min(department_name) AS department_name,
           count(*) AS notices,
           count(*) FILTER (WHERE is_it) AS it_notices,
           count(*) FILTER (WHERE suitable_for_sme) AS suitable_for_sme,
           count(awarded_to_sme) AS awards_size_stated,
           count(*) FILTER (WHERE awarded_to_sme) AS awarded_to_sme
    FROM notice_dept
    GROUP BY lineage_id, financial_year
),
years AS (
    SELECT financial_year,
           make_date(CAST(left(financial_year, 4) AS INTEGER), 4, 1) AS fy_start,
           make_date(CAST(left(financial_year, 4) AS INTEGER) + 1, 3, 31) AS fy_end
    FROM (SELECT DISTINCT financial_year FROM advertising)
),
digital AS (
    SELECT a.lineage_id, y.financial_year,
           bool_or(a.is_digital) AS has_digital_minister,
           string_agg(DISTINCT CASE WHEN a.is_digital THEN a.post_name END, ' / ' ORDER BY CASE WHEN a.is_digital THEN a.post_name END) AS digital_posts
    FROM fact_ministerial_appointment a
    JOIN years y ON a.start_date <= y.fy_end AND (a.end_date IS NULL OR a.end_date >= y.fy_start)
    GROUP BY a.lineage_id, y.financial_year
),
sme AS (
    -- two published codes of one lineage in a year (rare) share one figure: their pooled spend
    SELECT series_id AS lineage_id, financial_year,
           CASE WHEN count(*) = 1 THEN max(total_pct)
                ELSE 100 * sum(total_sme_spend_m) / nullif(sum(total_procurement_spend_m), 0) END AS total_pct
    FROM mart_sme_share
    WHERE row_type = 'department'
    GROUP BY series_id, financial_year
)
SELECT a.lineage_id, a.financial_year, a.department_id, a.department_name,
       a.notices, a.it_notices, a.suitable_for_sme,
       100.0 * a.suitable_for_sme / a.notices AS suitable_pct,
       a.awards_size_stated, a.awarded_to_sme,
       100.0 * a.awarded_to_sme / nullif(a.awards_size_stated, 0) AS awarded_sme_pct,
       s.total_pct AS sme_spend_pct,
       s.financial_year AS sme_spend_year,
       d.has_digital_minister,
       d.digital_posts
FROM advertising a
ASOF LEFT JOIN sme s ON s.lineage_id = a.lineage_id AND a.financial_year >= s.financial_year
LEFT JOIN digital d ON d.lineage_id = a.lineage_id AND d.financial_year = a.financial_year
