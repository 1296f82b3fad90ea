// Shapes of the server's JSON (DESIGN.md §5), named for the UI: aliases of the types generated
// from the OpenAPI document and the events schema (api/schema.ts; `make api-types`).
import type { Schema, ServerEvents } from "./schema";

export type TreeEntry = Schema<"TreeEntry">;
export type EntryType = TreeEntry["type"];
export type TreeResponse = Schema<"TreeListing">;
export type FileContent = Schema<"FileContent">;
export type SearchMatch = Schema<"SearchMatch">;
export type SearchResponse = Schema<"pairpad__workspace__models__SearchResults">;
export type FileSearchResponse = Schema<"FileMatches">;
export type WorkspaceInfo = Schema<"WorkspaceInfo">;

/** Every editor preference (the server answers those that are set: `Partial<Settings>`). */
export type Settings = Required<Schema<"PreferenceValues">["values"]>;
export type ThemeSetting = Settings["workbench.theme"];

export type FsChange = ServerEvents["fs:changed"]["changes"][number];
