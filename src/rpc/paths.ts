/** Where the RPC door is served (the edge needs these without importing the door itself). */
export const RPC_HTTP_PATH = "/rpc"
export const RPC_WS_PATH = "/rpc/ws"
