-- One row per awarded contract with an end date: the expiry pipeline. A procurement (ocid) counts once, from its
-- newest notice that records an award and an end date (so an awardUpdate that extends the contract moves the end
-- date); a notice without an ocid (notice search) is a contract of its own. Later notices under the same ocid
-- show extensions (the end date moved from the first award notice's) and re-lets (a planning or tender notice
-- published after the award). Department and buyer type come from the buyer's resolution (dim_buyer).
INSERT INTO mart_expiry_pipeline BY NAME
WITH notices AS (
    SELECT f.*, coalesce(f.ocid, 'notice:' || f.notice_id) AS contract_id
    FROM fact_contract_notice f
),
awarded AS (
    SELECT *,
           row_number() OVER newest_first AS newest_rank,
           count(*) OVER per_contract AS n_award_notices,
           arg_min(contract_end, (published_date, source_file, source_line, notice_id)) OVER per_contract
               AS original_contract_end,
           min(published_date) OVER per_contract AS first_award_published
    FROM notices
    WHERE awarded_date IS NOT NULL AND contract_end IS NOT NULL
    WINDOW per_contract AS (PARTITION BY contract_id),
           newest_first AS (PARTITION BY contract_id
                            ORDER BY published_date DESC, source_file DESC, source_line DESC, notice_id DESC)
),
contract AS (SELECT * FROM awarded WHERE newest_rank = 1),
later AS (
    SELECT c.contract_id,
           count(n.notice_id) AS n_later_notices,
           arg_max(n.notice_id, (n.published_date, n.notice_id))
               FILTER (WHERE n.awarded_date IS NULL AND (n.notice_type LIKE '%tender%' OR n.notice_type LIKE '%planning%'))
               AS relet_notice_id,
           max(n.published_date)
               FILTER (WHERE n.awarded_date IS NULL AND (n.notice_type LIKE '%tender%' OR n.notice_type LIKE '%planning%'))
               AS relet_published
    FROM contract c
    JOIN notices n ON n.contract_id = c.contract_id AND n.published_date > c.first_award_published
    GROUP BY c.contract_id
)
SELECT c.contract_id, c.notice_id, c.ocid, c.title, c.buyer_name,
       b.buyer_id,
       coalesce(b.display_name, c.buyer_name) AS buyer_display_name,
       CASE WHEN b.org_kind IS NULL OR b.org_kind = 'unresolved' THEN 'other' ELSE b.org_kind END AS buyer_type,
       b.department_id, b.department_name,
       c.contract_start, c.contract_end,
       date_trunc('month', c.contract_end)::DATE AS end_month,
       c.contract_period_source,
       coalesce(c.awarded_value, c.tender_value) AS value_gbp,
       CASE WHEN c.awarded_value IS NOT NULL THEN 'awarded'
            WHEN c.tender_value IS NOT NULL THEN 'estimated' END AS value_source,
       c.supplier_names,
       c.awarded_to_sme AS incumbent_is_sme,
       c.is_it, c.it_rule, c.it_cpv_group,
       c.awarded_date, c.published_date,
       c.n_award_notices,
       c.original_contract_end,
       CASE WHEN c.contract_end > c.original_contract_end THEN 'extended'
            WHEN c.contract_end < c.original_contract_end THEN 'shortened' END AS end_date_change,
       coalesce(l.n_later_notices, 0) AS n_later_notices,
       l.relet_notice_id, l.relet_published,
       c.source,
       c.url
FROM contract c
LEFT JOIN dim_buyer b ON b.buyer_name = c.buyer_name
LEFT JOIN later l USING (contract_id)
