-- Housekeeping for the waiting queue: drop members whose ticket expired, keep the
-- tickets of people still waiting alive, and tell each person whose place changed.
-- arg: 1 expected wait per place in the queue (ms; negative = no basis for an estimate)
-- Returns the number of people told.
local per_place = tonumber(arg(1))
local told = 0
for place, s in ipairs(redis.call('ZRANGE', WAITING, 0, -1)) do
  local t = ticket_key(s)
  if redis.call('EXISTS', t) == 0 then
    redis.call('ZREM', WAITING, s)
  else
    touch(s)
    if redis.call('HGET', t, 'told') ~= tostring(place) then
      redis.call('HSET', t, 'told', place)
      -- Same rounding as handover/estimate.py minutes_for_place.
      local estimate = ''
      if per_place >= 0 then estimate = num(math.max(1, math.ceil(place * per_place / 60000))) end
      notify(s, 'position', 'position', place, 'estimate', estimate)
      told = told + 1
    end
  end
end
touch_shared()
return told
