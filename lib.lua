#!lua name=t
redis.register_function('rid', function(keys, args)
  local info = redis.call('INFO', 'replication')
  return string.match(info, 'master_replid:(%w+)')
end)
redis.register_function{function_name='rid2', callback=function(keys, args)
  local info = redis.call('INFO', 'replication')
  return string.match(info, 'master_replid2:(%w+)')
end, flags={'no-writes'}}
