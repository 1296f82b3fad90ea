import { useTabs } from "../stores/tabs";
import { EditorGroupView } from "./EditorGroupView";

export function EditorArea() {
  const groups = useTabs((s) => s.groups);
  return (
    <main className="editor-area" aria-label="Editors">
      {groups.map((g) => (
        <EditorGroupView key={g.id} group={g} />
      ))}
    </main>
  );
}
