-- purpose: delinquency buckets in force (labels and dpd ranges), for the
--          methodology section and the order of the roll-rate matrix.
-- grain:   one row per bucket
-- inputs:  metric_buckets
-- params:  none
-- output:  bucket, bucket_order, min_dpd, max_dpd, dpd_range
select bucket, bucket_order, min_dpd, max_dpd, dpd_range
from metric_buckets
order by bucket_order
