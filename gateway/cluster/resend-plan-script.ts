/**
 * Redis Lua script that sends a plan again after a failed publish. It sets the latest-plan key KEYS[1]
 * to the message ARGV[1] and publishes the message on the channel ARGV[3]. It sends nothing when the key
 * already contains a plan whose `created_ms` is later than ARGV[2], because that plan came from a newer
 * leader during the outage. Returns the number of receivers, or -1 when it sent nothing.
 */
export const RESEND_PLAN_SCRIPT = `
local stored = redis.call('GET', KEYS[1])
if stored then
  local ok, message = pcall(cjson.decode, stored)
  if ok and type(message) == 'table' and type(message.plan) == 'table' then
    local created_ms = tonumber(message.plan.created_ms)
    if created_ms and created_ms > tonumber(ARGV[2]) then
      return -1
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1])
return redis.call('PUBLISH', ARGV[3], ARGV[1])
`;
