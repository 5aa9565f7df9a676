/// The reference-typed values: namespaces (the one mutable thing a sandboxed template has), lazy
/// iterators, callables and the `loop` object.

/// `namespace(...)`: attributes set with `{% set ns.attr = value %}` survive loop scopes.
public final class Namespace {
    var attributes: TemplateDict

    init(attributes: TemplateDict) {
        self.attributes = attributes
    }
}

/// A Python iterator: consumed once, always truthy, without a length. Generators (`map`, `select`,
/// `items`, ...) are lazy, so an error in a mapped item surfaces only when that item is reached.
public final class ValueIterator {
    let typeName: String
    private var produce: () throws -> TemplateValue?
    private var finished = false

    init(typeName: String = "generator", produce: @escaping () throws -> TemplateValue?) {
        self.typeName = typeName
        self.produce = produce
    }

    convenience init(typeName: String, items: [TemplateValue]) {
        var position = 0
        self.init(typeName: typeName) {
            guard position < items.count else { return nil }
            defer { position += 1 }
            return items[position]
        }
    }

    func next() throws -> TemplateValue? {
        guard !finished else { return nil }
        if let value = try produce() { return value }
        finished = true
        produce = { nil }
        return nil
    }

    /// Everything not consumed yet.
    func drain() throws -> [TemplateValue] {
        var items: [TemplateValue] = []
        while let item = try next() { items.append(item) }
        return items
    }
}

/// Positional and keyword arguments of a call, in order.
struct CallArguments {
    var positional: [TemplateValue] = []
    var keywords: [(name: String, value: TemplateValue)] = []
}

/// Something a template can call: a macro, a global such as `range`, a bound method such as `s.strip`.
public final class TemplateFunction {
    enum Body {
        case macro(MacroDefinition, scope: Frame)
        case builtin((Interpreter, CallArguments) throws -> TemplateValue)
    }

    let name: String
    let typeName: String
    let body: Body

    init(macro: MacroDefinition, scope: Frame) {
        name = macro.name
        typeName = "Macro"
        body = .macro(macro, scope: scope)
    }

    init(name: String, typeName: String = "builtin_function_or_method",
         _ call: @escaping (Interpreter, CallArguments) throws -> TemplateValue)
    {
        self.name = name
        self.typeName = typeName
        body = .builtin(call)
    }

    var isMacro: Bool {
        if case .macro = body { return true }
        return false
    }
}

/// The `loop` variable of a `for` loop.
public final class LoopContext {
    let items: [TemplateValue]
    var index0 = 0
    /// What `loop.changed(...)` saw last time.
    var lastChanged: [TemplateValue]?

    init(items: [TemplateValue]) {
        self.items = items
    }

    var length: Int { items.count }
}

/// A variable scope: the globals, the render context, then one per loop iteration, macro call, `with`.
final class Frame {
    var variables: [String: TemplateValue] = [:]
    let parent: Frame?
    /// The names the template scope running in this frame mentions at its own level (empty for the
    /// globals and the render context).
    var scopeNames: Set<String> = []

    init(parent: Frame?) {
        self.parent = parent
    }

    func enclosingScopesMention(_ name: String) -> Bool {
        var frame = parent
        while let current = frame {
            if current.scopeNames.contains(name) { return true }
            frame = current.parent
        }
        return false
    }

    func lookup(_ name: String) -> TemplateValue? {
        var frame: Frame? = self
        while let current = frame {
            if let value = current.variables[name] { return value }
            frame = current.parent
        }
        return nil
    }
}
