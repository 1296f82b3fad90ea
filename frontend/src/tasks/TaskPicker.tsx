// "Tasks: Run Task": a quick pick of the workspace's tasks (GET /api/tasks), each with its
// command and where it came from; Enter runs it.
import { useEffect, useMemo, useRef, useState } from "react";
import { errorMessage } from "../api/http";
import { formatArgv, SANDBOX_NAMES } from "./output";
import { runTask } from "./runTask";
import { tasksApi, type TaskList } from "./tasksApi";
import { useTaskPicker } from "./pickerStore";

export function TaskPicker() {
  const open = useTaskPicker((s) => s.open);
  return open ? <TaskPickerWidget /> : null;
}

function TaskPickerWidget() {
  const [list, setList] = useState<TaskList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => {
    tasksApi.list().then(setList, (err) => setError(errorMessage(err)));
  }, []);

  const tasks = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (list?.tasks ?? []).filter((t) => !q || `${t.name} ${t.argv.join(" ")}`.toLowerCase().includes(q));
  }, [list, query]);
  useEffect(() => setSelected(0), [query]);

  const close = () => useTaskPicker.setState({ open: false });
  const dismiss = () => {
    close();
    if (previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
  };
  const choose = (index: number) => {
    const task = tasks[index];
    if (!task) return;
    dismiss();
    void runTask(task.name);
  };

  const empty = error ?? (list ? (query ? "No matching tasks" : "No tasks in this workspace") : "Loading tasks…");
  return (
    <>
      {/* Below the picker (.quick-input is z-index 75), so a click reaches its items. */}
      <div className="picker-backdrop" onMouseDown={dismiss} />
      <div className="quick-input" role="dialog" aria-label="Run Task" data-testid="task-picker">
        <input
          ref={inputRef}
          role="combobox"
          aria-expanded="true"
          aria-controls="task-picker-list"
          aria-label="Task name"
          placeholder={
            !list
              ? "Select the task to run"
              : list.sandbox === "none"
                ? "Select the task to run (no sandbox here: the server will refuse it)"
                : `Select the task to run (in ${SANDBOX_NAMES[list.sandbox]})`
          }
          value={query}
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") setSelected((s) => Math.min(s + 1, tasks.length - 1));
            else if (e.key === "ArrowUp") setSelected((s) => Math.max(s - 1, 0));
            else if (e.key === "Enter") choose(selected);
            else if (e.key === "Escape") dismiss();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        {list?.config_error && (
          <div className="task-config-error" role="alert">
            .pairpad/config.toml: {list.config_error}
          </div>
        )}
        <ul className="quick-list" id="task-picker-list" role="listbox">
          {tasks.length === 0 && <li className="quick-empty">{empty}</li>}
          {tasks.map((task, i) => (
            <li
              key={task.name}
              role="option"
              aria-selected={i === selected}
              className="quick-item"
              data-task={task.name}
              title={task.detail}
              onMouseMove={() => setSelected(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(i)}
            >
              <span className="primary">{task.name}</span>
              <span className="secondary task-argv">{formatArgv(task.argv)}</span>
              <span className={`task-source ${task.source}`}>
                {task.source === "config" ? (task.approved ? "config" : "config · asks first") : "detected"}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
