-- Mark a staff member on duty, or keep them on duty (heartbeat).
-- arg: 1 staff, 2 presence (ms), 3 heartbeat only (0/1)
-- Returns 1, or 0 for a heartbeat from someone no longer on duty (they must come on again).
local staff = arg(1)
local heartbeat = arg(3) == '1'
local was_present = is_present(staff)
if heartbeat and not was_present then return 0 end
redis.call('ZADD', ON_DUTY, num(NOW + tonumber(arg(2))), staff)
redis.call('PEXPIRE', ON_DUTY, TTL)
if not was_present then emit('on_duty', 'staff', staff) end
return 1
