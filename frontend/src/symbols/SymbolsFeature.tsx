// The one mount point of the symbols feature (in App): installs it and hosts its picker.
import { useEffect } from "react";
import { installSymbols } from "./install";
import { SymbolPicker } from "./SymbolPicker";
import "./symbols.css";

export function SymbolsFeature() {
  useEffect(() => installSymbols(), []);
  return <SymbolPicker />;
}
