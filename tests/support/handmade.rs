//! Components built by hand, for what the hostile adapter (a Rust adapter like any other)
//! cannot be: one declaring many memories or tables, one for another world, one importing the
//! network, and bytes that are no component at all.

use wasm_encoder::{
    Component, ComponentImportSection, ComponentTypeRef, ComponentTypeSection, ComponentValType,
    InstanceSection, InstanceType, MemorySection, MemoryType, Module, ModuleArg, ModuleSection,
    RefType, TableSection, TableType,
};

/// A component instantiating one core module that declares `memories` memories and `tables`
/// tables.
pub fn with_memories_and_tables(memories: u32, tables: u32) -> Vec<u8> {
    let mut module = Module::new();
    let mut table_section = TableSection::new();
    for _ in 0..tables {
        table_section.table(TableType {
            element_type: RefType::FUNCREF,
            table64: false,
            minimum: 1,
            maximum: None,
            shared: false,
        });
    }
    module.section(&table_section);
    let mut memory_section = MemorySection::new();
    for _ in 0..memories {
        memory_section.memory(MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
    }
    module.section(&memory_section);
    let mut component = Component::new();
    component.section(&ModuleSection(&module));
    let mut instances = InstanceSection::new();
    instances.instantiate(0, Vec::<(&str, ModuleArg)>::new());
    component.section(&instances);
    component.finish()
}

/// A valid component that exports nothing: built for some other world.
pub fn wrong_world() -> Vec<u8> {
    Component::new().finish()
}

/// A component that imports `interface` (e.g. `wasi:sockets/tcp@0.2.0`) with one function,
/// and nothing else.
pub fn importing(interface: &str) -> Vec<u8> {
    let mut component = Component::new();
    let mut instance = InstanceType::new();
    instance
        .ty()
        .function()
        .params(Vec::<(&str, ComponentValType)>::new())
        .result(None);
    instance.export("start-connect", ComponentTypeRef::Func(0));
    let mut types = ComponentTypeSection::new();
    types.instance(&instance);
    component.section(&types);
    let mut imports = ComponentImportSection::new();
    imports.import(interface, ComponentTypeRef::Instance(0));
    component.section(&imports);
    component.finish()
}

/// Bytes that start like a component and are not one.
pub fn malformed() -> Vec<u8> {
    let mut bytes = wrong_world();
    bytes.extend_from_slice(&[0xff; 64]);
    bytes
}
