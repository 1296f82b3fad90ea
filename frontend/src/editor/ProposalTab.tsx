// A proposed change (from chat or the agent) as an editable diff: Accept puts it in the
// buffer as one undoable edit (unsaved, so the user still reviews and saves); Reject drops it.
import { useEffect, useRef, useState } from "react";
import { acceptProposal, rejectProposal, useProposals } from "./actions";
import { getModel, useBuffers } from "./buffers";
import { DiffView } from "./DiffView";
import { disposeModel } from "./diffRegistry";
import { monaco } from "./monacoSetup";

export function ProposalTab({ id }: { id: string }) {
  const proposal = useProposals((s) => s.proposals[id]);
  const bufferReady = useBuffers((s) => (proposal ? s.buffers[proposal.path]?.status === "ready" : false));
  const [models, setModels] = useState<{
    original: monaco.editor.ITextModel;
    modified: monaco.editor.ITextModel;
  } | null>(null);
  const owned = useRef<monaco.editor.ITextModel[]>([]);

  useEffect(() => {
    if (!proposal) return;
    const buffer = bufferReady ? getModel(proposal.path) : undefined;
    if (!proposal.isNew && !buffer) return;
    const language = buffer?.getLanguageId();
    const original =
      buffer ??
      monaco.editor.createModel("", undefined, monaco.Uri.from({ scheme: "pairpad-empty", path: `/${proposal.path}` }));
    const modified = monaco.editor.createModel(
      proposal.proposed,
      language,
      monaco.Uri.from({ scheme: "pairpad-proposal", path: `/${proposal.path}`, query: id }),
    );
    owned.current = buffer ? [modified] : [original, modified];
    setModels({ original, modified });
    return () => {
      setModels(null);
      owned.current.forEach(disposeModel);
      owned.current = [];
    };
  }, [proposal, bufferReady, id]);

  if (!proposal) return <div className="editor-message">This proposal was already resolved.</div>;
  return (
    <>
      <div className="diff-header">
        <span className="title">
          Proposed changes to <strong>{proposal.path}</strong>
          {proposal.isNew ? " (new file)" : ""} — current (left) ↔ proposed (right, editable)
        </span>
        <button
          type="button"
          className="btn primary"
          disabled={!models}
          onClick={() => models && void acceptProposal(id, models.modified.getValue())}
        >
          Accept
        </button>
        <button type="button" className="btn" onClick={() => rejectProposal(id)}>
          Reject
        </button>
      </div>
      <div className="editor-host">{models && <DiffView original={models.original} modified={models.modified} />}</div>
    </>
  );
}
