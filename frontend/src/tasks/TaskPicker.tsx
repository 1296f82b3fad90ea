// "Tasks: Run Task": a quick pick of the workspace's tasks (GET /api/tasks), each with its
// command and where it came from; Enter runs it.
import { useEffect, useMemo, useState } from "react";
import { errorMessage } from "../api/http";
import { QuickPicker } from "../ui/QuickPicker";
import { filterByText } from "../ui/textFilter";
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

  useEffect(() => {
    tasksApi.list().then(setList, (err) => setError(errorMessage(err)));
  }, []);

  const tasks = useMemo(
    () => filterByText(list?.tasks ?? [], query, (t) => `${t.name} ${t.argv.join(" ")}`),
    [list, query],
  );

  const empty = error ?? (list ? (query ? "No matching tasks" : "No tasks in this workspace") : "Loading tasks…");
  return (
    <QuickPicker
      label="Run Task"
      testId="task-picker"
      listId="task-picker-list"
      inputLabel="Task name"
      placeholder={
        !list
          ? "Select the task to run"
          : list.sandbox === "none"
            ? "Select the task to run (no sandbox here: the server will refuse it)"
            : `Select the task to run (in ${SANDBOX_NAMES[list.sandbox]})`
      }
      query={query}
      onQueryChange={setQuery}
      header={
        list?.config_error && (
          <div className="task-config-error" role="alert">
            .pairpad/config.toml: {list.config_error}
          </div>
        )
      }
      items={tasks}
      itemKey={(task) => task.name}
      itemAttributes={(task) => ({ "data-task": task.name, title: task.detail })}
      renderItem={(task) => (
        <>
          <span className="primary">{task.name}</span>
          <span className="secondary task-argv">{formatArgv(task.argv)}</span>
          <span className={`task-source ${task.source}`}>
            {task.source === "config" ? (task.approved ? "config" : "config · asks first") : "detected"}
          </span>
        </>
      )}
      emptyText={empty}
      onPick={(task) => void runTask(task.name)}
      onClose={() => useTaskPicker.setState({ open: false })}
    />
  );
}
