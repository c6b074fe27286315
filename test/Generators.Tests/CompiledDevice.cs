using System.Numerics;
using System.Reflection;
using System.Runtime.Loader;
using MigrationFormat.Visitors;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace MigrationFormat.Generators.Tests;

/// <summary>
/// A device class compiled at run time: the generator runs on its source, the result is emitted in memory and loaded
/// into a collectible context of its own, which shares the library with this test assembly.
/// </summary>
internal sealed class CompiledDevice : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private CompiledDevice(AssemblyLoadContext context, DeviceType type)
    {
        _context = context;
        Type = type;
    }

    public DeviceType Type { get; }

    /// <summary>Compiles <paramref name="source"/>, whose one device class is <paramref name="typeName"/>; fails the test on any diagnostic.</summary>
    public static CompiledDevice Compile(string source, string typeName, string assemblyName)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.True(run.GeneratorDiagnostics.IsEmpty, Describe(run.GeneratorDiagnostics, source));

        Compilation compilation = run.Output.WithAssemblyName(assemblyName);
        using var image = new MemoryStream();
        EmitResult emitted = compilation.Emit(image);
        Diagnostic[] problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(emitted.Success && problems.Length == 0, Describe(problems, source + string.Join("\n", run.GeneratedSources)));

        // Resolving nothing itself, the context falls back to the default one for the library, so the device's
        // IDeviceState is this process's IDeviceState.
        var context = new AssemblyLoadContext(assemblyName, isCollectible: true);
        image.Position = 0;
        Assembly assembly = context.LoadFromStream(image);
        FieldInfo field = assembly.GetType(typeName, throwOnError: true)!.GetField("DeviceType", BindingFlags.Public | BindingFlags.Static)!;
        return new CompiledDevice(context, (DeviceType)field.GetValue(null)!);
    }

    public void Dispose() => _context.Unload();

    private static string Describe(IEnumerable<Diagnostic> diagnostics, string source) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())) + Environment.NewLine + source;
}

/// <summary>
/// Fills every field of a device with random values, as a loading visitor would, and makes every optional group of
/// the version present: the worst case a compatibility checker must assume, since it cannot see which groups a
/// device will need.
/// </summary>
internal ref struct PresentGroupsFillingVisitor(Random random, int version) : IStateVisitor
{
    public readonly VisitDirection Direction => VisitDirection.Load;

    public readonly int Version => version;

    public static void Fill(IDeviceState device, Random random)
    {
        var visitor = new PresentGroupsFillingVisitor(random, device.Version);
        device.Visit(ref visitor);
    }

    public readonly void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (field.ExistsIn(version))
        {
            value = T.CreateTruncating(Next64());
        }
    }

    public readonly void Field(FieldSpec<bool> field, ref bool value)
    {
        if (field.ExistsIn(version))
        {
            value = random.Next(2) == 1;
        }
    }

    public readonly void Field(FieldSpec<string> field, ref string value)
    {
        if (field.ExistsIn(version))
        {
            char[] text = new char[random.Next(Math.Min(field.Length > 0 ? field.Length : 12, 12) + 1)];
            for (int i = 0; i < text.Length; i++)
            {
                text[i] = (char)random.Next('a', 'z' + 1);
            }

            value = new string(text);
        }
    }

    public readonly void Field(FieldSpec<byte[]> field, ref byte[] value)
    {
        if (field.ExistsIn(version))
        {
            value = new byte[random.Next(Math.Min(field.Length > 0 ? field.Length : 12, 12) + 1)];
            random.NextBytes(value);
        }
    }

    public readonly void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (field.ExistsIn(version))
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = T.CreateTruncating(Next64());
            }
        }
    }

    public readonly bool BeginStruct(StructSpec field) => field.ExistsIn(version);

    public readonly void EndStruct()
    {
    }

    public readonly int BeginList(ListSpec field, int count) => throw new NotSupportedException("generated devices have no lists");

    public readonly void BeginElement() => throw new NotSupportedException("generated devices have no lists");

    public readonly void EndElement() => throw new NotSupportedException("generated devices have no lists");

    public readonly void EndList() => throw new NotSupportedException("generated devices have no lists");

    public readonly OptionalGroup BeginOptional(OptionalSpec field, bool needed) =>
        field.ExistsIn(version) ? OptionalGroup.Present : OptionalGroup.NotInVersion;

    public readonly void EndOptional()
    {
    }

    public readonly void Blob(BlobSpec field, IBlobState blob) => throw new NotSupportedException("generated devices have no blobs");

    private readonly ulong Next64() => random.Next(3) switch
    {
        0 => (ulong)random.Next(256),
        1 => random.Next(2) == 0 ? ulong.MaxValue : (ulong)long.MaxValue + (ulong)random.Next(2),
        _ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 33),
    };
}
