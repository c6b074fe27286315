using System.Buffers;

namespace MigrationFormat.Configuration.Tests;

/// <summary>
/// A device whose hosts differ: each <see cref="GadgetHost"/> registers the model <c>urn:test:gadget</c> with its own
/// versions and parameters, and the device reads its configuration by name, so one class runs on every host, as one
/// device model's code does across releases. Its layout: <c>counter</c> always; the must-parse <c>filter</c> (from version 2) when
/// the <c>filter</c> parameter is on; the fixed-size <c>table</c> of <c>table-size</c> bytes when it is not 0; the
/// skippable <c>stat</c> from version 2.
/// </summary>
internal sealed class Gadget : IDeviceState
{
    public const string Model = "urn:test:gadget";

    private static readonly FieldSet Root = new("gadget");
    private static readonly FieldSpec<uint> Counter = Root.UInt32("counter", 0);
    private static readonly FieldSpec<ushort> Filter = Root.UInt16("filter", 1, since: 2);
    private static readonly ArrayFieldSpec<byte>[] Tables = [.. new[] { 4, 8, 16 }.Select(size => Root.FixedBytes("table", 2, size))];
    private static readonly FieldSpec<ulong> Stat = Root.UInt64("stat", 3, skippable: true, since: 2);

    private readonly bool _filter;
    private uint _counter;
    private ushort _filterValue;
    private ulong _stat;

    public Gadget(DeviceConfiguration configuration)
    {
        Configuration = configuration;
        _filter = configuration.GetText("filter") == "on";
        Table = new byte[configuration.GetText("table-size") is { } size ? int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) : 0];
    }

    public DeviceType Type => Configuration.Type;

    public int Version => Configuration.Version;

    public DeviceConfiguration Configuration { get; }

    public byte[] Table { get; }

    public uint CounterValue { get => _counter; set => _counter = value; }

    public ushort FilterValue { get => _filterValue; set => _filterValue = value; }

    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Counter, ref _counter);
        if (_filter)
        {
            visitor.Field(Filter, ref _filterValue);
        }

        if (Table.Length > 0)
        {
            visitor.Field(Array.Find(Tables, t => t.Length == Table.Length)!, Table.AsSpan());
        }

        visitor.Field(Stat, ref _stat);
    }

    public void Fill(uint seed)
    {
        _counter = seed;
        _filterValue = (ushort)(seed * 7);
        _stat = seed * 3UL;
        for (int i = 0; i < Table.Length; i++)
        {
            Table[i] = (byte)(seed + i);
        }
    }

    public string Describe() => $"{_counter} {(_filter ? _filterValue : "-")} {Convert.ToHexString(Table)} {_stat}";
}

/// <summary>One host's registration of <see cref="Gadget"/>.</summary>
internal static class GadgetHost
{
    public static DeviceType Type(
        int current = 2,
        int minimum = 1,
        bool filter = true,
        bool label = true,
        long[]? tableSizes = null,
        string id = "gadget",
        string model = Gadget.Model)
    {
        var parameters = new List<DeviceParameter>();
        if (filter)
        {
            parameters.Add(DeviceParameter.Bool("filter", true, changesLayout: true));
        }

        parameters.Add(DeviceParameter.Integer("table-size", tableSizes ?? [0, 4, 8], 0, changesLayout: true));
        if (label)
        {
            parameters.Add(DeviceParameter.String("label", "none", maxLength: 16));
        }

        var versions = new Dictionary<int, string>();
        if (filter && minimum <= 1)
        {
            versions[1] = "filter=off";
        }

        return new DeviceType(id, model, current, minimum, configuration => new Gadget(configuration), new DeviceParameterSet(parameters, versions));
    }

    public static byte[] Save(params IDeviceState[] devices) => Save(true, devices);

    public static byte[] Save(bool includeConfiguration, params IDeviceState[] devices)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { IncludeConfiguration = includeConfiguration }))
        {
            foreach (IDeviceState device in devices)
            {
                writer.WriteDevice(device);
            }

            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    public static LoadReport Load(byte[] stream, IDeviceState device)
    {
        using var reader = new MigrationStreamReader(stream);
        Assert.True(reader.TryReadSection(out _));
        return reader.LoadSection(device);
    }
}
