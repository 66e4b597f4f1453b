"""CSV import: detect the file's shape, check each row, load good rows in set-based batches."""
