-- Which buyers and files the notices come from (the loaded files decide coverage; it is not national), and how
-- many are Find a Tender's (Procurement Act 2023 notices since 24 February 2025).
SELECT count(DISTINCT buyer_name) AS n_buyers,
       count(DISTINCT source_file) AS n_files,
       min(published_date) AS first_published,
       max(published_date) AS last_published,
       count(*) FILTER (WHERE source_format = 'notice_search') AS n_from_search,
       count(DISTINCT buyer_name) FILTER (WHERE source_format = 'notice_search') AS n_search_buyers,
       count(*) FILTER (WHERE source = 'find_a_tender') AS n_from_fts,
       count(*) AS n_notices
FROM fact_contract_notice
