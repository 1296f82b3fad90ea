// The server's problems: `GET /api/problems` (every source's list) and `DELETE` of one source.
import { call } from "../api/schema";

export const problemsApi = {
  all: () => call("get", "/api/problems"),
  clear: (source: string) => call("delete", "/api/problems/{source}", { params: { source } }),
};
