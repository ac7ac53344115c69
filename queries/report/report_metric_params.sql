-- purpose: the parameters the metric tables were computed with (methodology
--          section: "parameters in force"), and the bucket edges in force.
-- grain:   one row per parameter
-- inputs:  metric_params
-- params:  none
-- output:  param_name, param_value, first_month, through_month
select name as param_name, value as param_value, first_month, through_month
from metric_params
order by name
