"""File extension → tree-sitter grammar, and the tag query of each language family.

Captures follow the tree-sitter tags convention: `@name.definition.KIND` marks a definition's
name and `@definition.KIND` its whole node; `@name.reference.KIND` marks a use. Languages
without a query here still get generic tags (see tags.py) and syntax-aware chunks."""

from __future__ import annotations

EXTENSIONS: dict[str, str] = {
    "py": "python", "pyi": "python", "js": "javascript", "mjs": "javascript",
    "cjs": "javascript", "jsx": "javascript", "ts": "typescript", "mts": "typescript",
    "cts": "typescript", "tsx": "tsx", "go": "go", "rs": "rust", "java": "java", "c": "c",
    "h": "c", "cc": "cpp", "cpp": "cpp", "cxx": "cpp", "hpp": "cpp", "hh": "cpp", "hxx": "cpp",
    "cs": "csharp", "rb": "ruby", "php": "php", "kt": "kotlin", "kts": "kotlin",
    "swift": "swift", "scala": "scala", "lua": "lua", "sh": "bash", "bash": "bash",
    "zsh": "bash", "ex": "elixir", "exs": "elixir", "erl": "erlang", "hs": "haskell",
    "ml": "ocaml", "dart": "dart", "r": "r", "jl": "julia", "zig": "zig", "sql": "sql",
    "css": "css", "scss": "scss", "html": "html", "vue": "vue", "svelte": "svelte",
    "toml": "toml", "yaml": "yaml", "yml": "yaml", "json": "json", "md": "markdown",
}
FILENAMES: dict[str, str] = {
    "Makefile": "make", "Dockerfile": "dockerfile", "CMakeLists.txt": "cmake",
}
# Formats where syntax chunks help but symbols mean nothing (no tags extracted).
DATA_LANGUAGES = frozenset({"toml", "yaml", "json", "markdown", "css", "scss", "html", "sql"})


def language_for(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if name in FILENAMES:
        return FILENAMES[name]
    if "." not in name:
        return None
    return EXTENSIONS.get(name.rsplit(".", 1)[-1].lower())


PYTHON = """
(class_definition name: (identifier) @name.definition.class) @definition.class
(function_definition name: (identifier) @name.definition.function) @definition.function
(module (assignment left: (identifier) @name.definition.constant) @definition.constant)
(module (expression_statement (assignment left: (identifier) @name.definition.constant)
  @definition.constant))
(call function: (identifier) @name.reference.call)
(call function: (attribute attribute: (identifier) @name.reference.call))
(class_definition superclasses: (argument_list (identifier) @name.reference.class))
(decorator (identifier) @name.reference.call)
(import_from_statement name: (dotted_name (identifier) @name.reference.import))
(import_from_statement name: (aliased_import
  name: (dotted_name (identifier) @name.reference.import)))
(type (identifier) @name.reference.type)
"""

JAVASCRIPT = """
(class_declaration name: (_) @name.definition.class) @definition.class
(function_declaration name: (identifier) @name.definition.function) @definition.function
(generator_function_declaration name: (identifier) @name.definition.function) @definition.function
(method_definition name: (property_identifier) @name.definition.method) @definition.method
(lexical_declaration (variable_declarator name: (identifier) @name.definition.function
  value: [(arrow_function) (function_expression)]) @definition.function)
(variable_declaration (variable_declarator name: (identifier) @name.definition.function
  value: [(arrow_function) (function_expression)]) @definition.function)
(program (lexical_declaration (variable_declarator name: (identifier) @name.definition.constant
  value: [(number) (string) (object) (array) (template_string) (call_expression) (new_expression)])
  @definition.constant))
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (member_expression property: (property_identifier) @name.reference.call))
(new_expression constructor: (identifier) @name.reference.class)
(import_specifier name: (identifier) @name.reference.import)
(jsx_opening_element name: (identifier) @name.reference.class)
(jsx_self_closing_element name: (identifier) @name.reference.class)
"""

TYPESCRIPT_EXTRA = """
(interface_declaration name: (type_identifier) @name.definition.interface) @definition.interface
(type_alias_declaration name: (type_identifier) @name.definition.type) @definition.type
(enum_declaration name: (identifier) @name.definition.enum) @definition.enum
(abstract_class_declaration name: (type_identifier) @name.definition.class) @definition.class
(function_signature name: (identifier) @name.definition.function) @definition.function
(method_signature name: (property_identifier) @name.definition.method) @definition.method
(abstract_method_signature name: (property_identifier) @name.definition.method) @definition.method
(module name: (identifier) @name.definition.module) @definition.module
(type_identifier) @name.reference.type
"""

GO = """
(function_declaration name: (identifier) @name.definition.function) @definition.function
(method_declaration name: (field_identifier) @name.definition.method) @definition.method
(type_spec name: (type_identifier) @name.definition.type) @definition.type
(source_file (const_declaration (const_spec name: (identifier) @name.definition.constant)
  @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name.definition.constant)
  @definition.constant))
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (selector_expression field: (field_identifier) @name.reference.call))
(type_identifier) @name.reference.type
"""

RUST = """
(struct_item name: (type_identifier) @name.definition.struct) @definition.struct
(enum_item name: (type_identifier) @name.definition.enum) @definition.enum
(union_item name: (type_identifier) @name.definition.struct) @definition.struct
(trait_item name: (type_identifier) @name.definition.interface) @definition.interface
(type_item name: (type_identifier) @name.definition.type) @definition.type
(function_item name: (identifier) @name.definition.function) @definition.function
(function_signature_item name: (identifier) @name.definition.function) @definition.function
(mod_item name: (identifier) @name.definition.module) @definition.module
(macro_definition name: (identifier) @name.definition.macro) @definition.macro
(const_item name: (identifier) @name.definition.constant) @definition.constant
(static_item name: (identifier) @name.definition.constant) @definition.constant
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (field_expression field: (field_identifier) @name.reference.call))
(call_expression function: (scoped_identifier name: (identifier) @name.reference.call))
(macro_invocation macro: (identifier) @name.reference.call)
(type_identifier) @name.reference.type
"""

JAVA = """
(class_declaration name: (identifier) @name.definition.class) @definition.class
(interface_declaration name: (identifier) @name.definition.interface) @definition.interface
(enum_declaration name: (identifier) @name.definition.enum) @definition.enum
(record_declaration name: (identifier) @name.definition.class) @definition.class
(method_declaration name: (identifier) @name.definition.method) @definition.method
(constructor_declaration name: (identifier) @name.definition.method) @definition.method
(method_invocation name: (identifier) @name.reference.call)
(object_creation_expression type: (type_identifier) @name.reference.class)
(type_identifier) @name.reference.type
"""

C = """
(function_definition declarator: (function_declarator declarator: (identifier)
  @name.definition.function)) @definition.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator
  declarator: (identifier) @name.definition.function))) @definition.function
(declaration declarator: (function_declarator declarator: (identifier)
  @name.definition.function)) @definition.function
(struct_specifier name: (type_identifier) @name.definition.struct body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name.definition.struct body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name.definition.enum body: (_)) @definition.enum
(type_definition declarator: (type_identifier) @name.definition.type) @definition.type
(preproc_def name: (identifier) @name.definition.macro) @definition.macro
(preproc_function_def name: (identifier) @name.definition.macro) @definition.macro
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (field_expression field: (field_identifier) @name.reference.call))
(type_identifier) @name.reference.type
"""

CPP_EXTRA = """
(class_specifier name: (type_identifier) @name.definition.class body: (_)) @definition.class
(function_definition declarator: (function_declarator declarator: (field_identifier)
  @name.definition.method)) @definition.method
(function_definition declarator: (function_declarator declarator: (qualified_identifier
  name: (identifier) @name.definition.method))) @definition.method
(namespace_definition name: (namespace_identifier) @name.definition.module) @definition.module
(call_expression function: (qualified_identifier name: (identifier) @name.reference.call))
"""

CSHARP = """
(class_declaration name: (identifier) @name.definition.class) @definition.class
(interface_declaration name: (identifier) @name.definition.interface) @definition.interface
(struct_declaration name: (identifier) @name.definition.struct) @definition.struct
(enum_declaration name: (identifier) @name.definition.enum) @definition.enum
(method_declaration name: (identifier) @name.definition.method) @definition.method
(invocation_expression function: (identifier) @name.reference.call)
(invocation_expression function: (member_access_expression name: (identifier) @name.reference.call))
(object_creation_expression type: (identifier) @name.reference.class)
"""

RUBY = """
(class name: (constant) @name.definition.class) @definition.class
(module name: (constant) @name.definition.module) @definition.module
(method name: (identifier) @name.definition.method) @definition.method
(singleton_method name: (identifier) @name.definition.method) @definition.method
(call method: (identifier) @name.reference.call)
(superclass (constant) @name.reference.class)
"""

PHP = """
(class_declaration name: (name) @name.definition.class) @definition.class
(interface_declaration name: (name) @name.definition.interface) @definition.interface
(function_definition name: (name) @name.definition.function) @definition.function
(method_declaration name: (name) @name.definition.method) @definition.method
(function_call_expression function: (name) @name.reference.call)
(member_call_expression name: (name) @name.reference.call)
(object_creation_expression (name) @name.reference.class)
"""

TAG_QUERIES: dict[str, str] = {
    "python": PYTHON,
    "javascript": JAVASCRIPT,
    "typescript": JAVASCRIPT + TYPESCRIPT_EXTRA,
    "tsx": JAVASCRIPT + TYPESCRIPT_EXTRA,
    "go": GO,
    "rust": RUST,
    "java": JAVA,
    "c": C,
    "cpp": C + CPP_EXTRA,
    "csharp": CSHARP,
    "ruby": RUBY,
    "php": PHP,
}
