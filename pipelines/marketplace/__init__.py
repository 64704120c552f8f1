"""Digital Marketplace spend (G-Cloud and DOS), published by the Crown Commercial Service.

- `formats`: every published CSV layout, read and cleaned to keyed rows streamed to Parquet;
- `releases`: later cumulative releases supersede earlier ones, month by month;
- `tables`: the spend fact, its dimensions and view;
- `sample`: the generated SAMPLE files in the publishers' layouts.
"""
