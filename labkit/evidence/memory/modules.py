"""Loadable kernel modules: each in its own module_alloc() area above MODULES_VADDR (text, rodata,
then data holding struct module itself), linked into `modules` (lsmod) and into module_kset's
list of kobjects (/sys/module, which check_modules compares). A hidden module is unlinked from
`modules` only, as Diamorphine-style rootkits do, so both hidden_modules and check_modules see it."""

from __future__ import annotations

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.kernel_object import LIST_POISON1, LIST_POISON2, KernelObject, link_list
from labkit.evidence.memory.paging import KERNEL_DATA, KERNEL_RODATA, KERNEL_TEXT
from labkit.evidence.memory.physical import PAGE_SIZE
from labkit.evidence.memory.spec import ModuleFacts

TAINT_BITS = {flag: bit for bit, flag in enumerate("PFSRMBUDAWCIOELKXT")}
BUILTIN_WITH_PARAMETERS = (
    "printk",
    "kernel",
    "vt",
    "spurious",
    "keyboard",
    "block",
    "workqueue",
    "rcupdate",
    "module",
    "pcie_aspm",
    "i8042",
    "xen",
    "page_alloc",
    "sysrq",
    "random",
)


def build_modules(ctx: BuildContext) -> dict[str, ModuleFacts]:
    memory, slab = ctx.memory, ctx.slab
    head = memory.symbol_object("modules")
    kset = memory.object("kset", slab.kmalloc(96))
    kset.fill(
        {"kobj.name": ctx.vfs.string("module"), "kobj.kref.refcount.refs.counter": 1 + len(ctx.spec.modules)}
    )
    memory.symbol_object("module_kset").put(0, kset.address.to_bytes(8, "little"))  # struct kset *module_kset
    rng = ctx.seeds.rng("modules")
    cursor = ctx.layout.module_base
    facts: dict[str, ModuleFacts] = {}
    listed: list[tuple[KernelObject, str]] = []
    kobjects: list[tuple[KernelObject, str]] = []
    for module in ctx.spec.modules:
        pages = (module.size + PAGE_SIZE - 1) // PAGE_SIZE
        text = max(1, pages * 45 // 100)
        read_only = max(text + 1, pages * 70 // 100)
        base = cursor
        memory.map_pages(base, text, KERNEL_TEXT)
        memory.map_pages(base + text * PAGE_SIZE, read_only - text, KERNEL_RODATA)
        memory.map_pages(base + read_only * PAGE_SIZE, pages - read_only, KERNEL_DATA)
        memory.blob(base, ctx.noise.slice("code", text * PAGE_SIZE, rng))
        memory.blob(
            base + text * PAGE_SIZE, ctx.noise.slice("kernel_strings", (read_only - text) * PAGE_SIZE, rng)
        )
        address = base + read_only * PAGE_SIZE + 64 * rng.randrange(0, 8)
        struct_module = memory.object("module", address)
        name = module.name.encode()[:55]
        taints = sum(1 << TAINT_BITS[flag] for flag in module.taints if flag in TAINT_BITS)
        struct_module.fill(
            {
                "state": 0,
                "name": name,
                "mkobj.kobj.name": ctx.vfs.string(module.name),
                "mkobj.kobj.parent": kset.address_of("kobj"),
                "mkobj.kobj.kset": kset.address,
                "mkobj.kobj.kref.refcount.refs.counter": 3,
                "mkobj.kobj.state_initialized": 1,
                "mkobj.kobj.state_in_sysfs": 1,
                "mkobj.mod": address,
                "core_layout.base": base,
                "core_layout.size": module.size,
                "core_layout.text_size": text * PAGE_SIZE,
                "core_layout.ro_size": read_only * PAGE_SIZE,
                "core_layout.ro_after_init_size": read_only * PAGE_SIZE,
                "core_layout.mtn.mod": address,
                "taints": taints,
                "refcnt.counter": 1,
                "kp": address + 1024,
                "args": ctx.vfs.string(""),
                "srcversion": ctx.vfs.string(rng.randbytes(12).hex().upper()[:23]),
                "exit": base + rng.randrange(0, text * PAGE_SIZE, 16),
                "sig_ok": 0 if "E" in module.taints else 1,
                "num_syms": rng.randrange(0, 40),
                "percpu_size": 0,
            }
        )
        for list_head in ("source_list", "target_list", "bug_list"):
            struct_module.empty_list(list_head)
        if module.hidden:  # list_del(&THIS_MODULE->list)
            struct_module.set("list.next", LIST_POISON1).set("list.prev", LIST_POISON2)
        else:
            listed.append((struct_module, "list"))
        kobjects.append((struct_module, "mkobj.kobj.entry"))
        facts[module.name] = ModuleFacts(module.name, address, base)
        cursor = base + pages * PAGE_SIZE + rng.randrange(1, 4) * PAGE_SIZE
    link_list(head, "", listed)
    for name in BUILTIN_WITH_PARAMETERS:  # /sys/module entries of built-in code with parameters
        builtin = memory.object("module_kobject", slab.kmalloc(96))
        builtin.fill(
            {
                "kobj.name": ctx.vfs.string(name),
                "kobj.kset": kset.address,
                "kobj.kref.refcount.refs.counter": 1,
                "kobj.parent": kset.address_of("kobj"),
                "kobj.state_initialized": 1,
                "kobj.state_in_sysfs": 1,
            }
        )
        kobjects.insert(rng.randrange(len(kobjects) + 1), (builtin, "kobj.entry"))
    link_list(kset, "list", kobjects)
    tree = memory.symbol_object("mod_tree")
    if ctx.spec.modules:
        tree.set("addr_min", ctx.layout.module_base).set("addr_max", cursor)
    else:
        tree.set("addr_min", 0xFFFFFFFFFFFFFFFF)
    return facts
