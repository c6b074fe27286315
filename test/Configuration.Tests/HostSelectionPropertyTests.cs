using System.Buffers;
using System.Globalization;
using FsCheck.Xunit;

namespace MigrationFormat.Configuration.Tests;

/// <summary>
/// <see cref="HostSelector"/> against real loads, over random catalogs, device configurations and hosts: a host that
/// select accepts creates every device from the VM's configuration strings and loads the VM's stream; a host it
/// rejects fails, creating the devices or loading the stream, with a reason select gave.
/// </summary>
public class HostSelectionPropertyTests
{
    /// <summary>The number of random cases the property runs; each checks three hosts.</summary>
    public const int Cases = 400;

    private static readonly SelectionReasonKind[] LoadStage =
        [SelectionReasonKind.ConfigurationMismatch, SelectionReasonKind.SchemaIncompatible, SelectionReasonKind.SchemaUnavailable];

    /// <summary>One random VM on its source host, saved, and three candidate hosts.</summary>
    internal sealed record Scenario(VmConfiguration Vm, byte[] Stream, IReadOnlyList<(string Name, DeviceCatalog Host)> Hosts, string Description);

    /// <summary>What creating a host's devices and loading the stream into them gave.</summary>
    internal sealed record Outcome(bool Loaded, string? Device, SelectionReasonKind Kind, string Subject, string Message);

    internal static Scenario Generate(int seed)
    {
        var random = new Random(seed);
        RandomModel[] models = [.. Enumerable.Range(0, random.Next(1, 4)).Select(i => RandomModel.Generate("dev" + i.ToString(CultureInfo.InvariantCulture),
            random))];
        var devices = new List<IDeviceState>();
        foreach (RandomModel model in models)
        {
            DeviceType type = model.BuildType();
            for (int instance = random.Next(4) == 0 ? 2 : 1; instance > 0; instance--)
            {
                var device = (RandomModelDevice)type.Create(RandomConfiguration(type, random));
                device.Fill(random);
                devices.Add(device);
            }
        }

        var hosts = new List<(string, DeviceCatalog)>();
        var description = new List<string> { "source: " + string.Join(" | ", models.Select(m => m.ToString())) };
        for (int h = 0; h < 3; h++)
        {
            var host = new DeviceCatalog();
            var changes = new List<string>();
            foreach (RandomModel model in models)
            {
                RandomModel? declared = random.Next(3) == 0 ? model : model.Mutate(random, out string change);
                changes.Add(declared == model ? $"{model.Id}: the same" : $"{model.Id}: {(declared is null ? "missing" : declared.ToString())}");
                if (declared is not null)
                {
                    host.Add(declared.BuildType());
                }
            }

            string name = "host" + h.ToString(CultureInfo.InvariantCulture);
            hosts.Add((name, host));
            description.Add($"{name}: {string.Join(" | ", changes)}");
        }

        return new Scenario(VmConfiguration.Of(devices), Save(devices), hosts, string.Join(Environment.NewLine, description));
    }

    /// <summary>A configuration of <paramref name="type"/> that resolves: random versions and values, tried a few times, else the latest.</summary>
    internal static DeviceConfiguration RandomConfiguration(DeviceType type, Random random)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            int? version = random.Next(4) == 0 ? null : random.Next(type.MinimumVersion, type.CurrentVersion + 1);
            var items = new List<KeyValuePair<string, string>>();
            foreach (DeviceParameter parameter in type.Parameters.Where(_ => random.Next(2) == 0))
            {
                string[] domain = parameter.Type switch
                {
                    ParameterType.Bool => ["off", "on"],
                    ParameterType.String => ["", "a", "a,b"],
                    _ when parameter.Values.Count > 0 => [.. parameter.Values],
                    _ => [parameter.Minimum!.Value.ToString(CultureInfo.InvariantCulture), parameter.Maximum!.Value.ToString(CultureInfo.InvariantCulture)],
                };
                items.Add(new(parameter.Name, domain[random.Next(domain.Length)]));
            }

            if (type.TryResolve(new ConfigurationString(version, items), out DeviceConfiguration? configuration, out _))
            {
                return configuration;
            }
        }

        return type.LatestConfiguration;
    }

    /// <summary>What a destination does with a VM's devices: creates each from its configuration string, then loads the stream into them, all or
    /// nothing.</summary>
    internal static Outcome Load(VmConfiguration vm, DeviceCatalog host, byte[] stream)
    {
        var created = new Dictionary<(string, uint), IDeviceState>();
        foreach (VmDevice device in vm.Devices)
        {
            try
            {
                created[(device.Id, device.InstanceId)] = host.Create(device.Model, device.Configuration);
            }
            catch (DeviceConfigurationException ex)
            {
                ConfigurationIssue issue = ex.Issue!;
                return new Outcome(false, device.Name, CreationKind(issue.Kind), issue.Parameter ?? device.Model, issue.Message);
            }
        }

        using var reader = new MigrationStreamReader(stream);
        SectionHeader? current = null;
        try
        {
            reader.LoadAll(section =>
            {
                current = section;
                reader.FieldNames ??= SchemaFieldNames.FromEmbedded(reader.Schemas);
                return created[(section.Id, section.InstanceId)];
            });
            return new Outcome(true, null, default, string.Empty, string.Empty);
        }
        catch (MigrationFormatException ex)
        {
            string device = string.Create(CultureInfo.InvariantCulture, $"{current!.Id}#{current.InstanceId}");
            if (ex.Kind == MigrationErrorKind.ConfigurationMismatch)
            {
                string subject = ex.FieldPath is { } path && path.StartsWith("configuration.", StringComparison.Ordinal)
                    ? path["configuration.".Length..]
                    : vm.Devices.First(d => d.Name == device).Model;
                return new Outcome(false, device, SelectionReasonKind.ConfigurationMismatch, subject, ex.Message);
            }

            return new Outcome(false, device, SelectionReasonKind.SchemaIncompatible, FieldOf(ex.FieldPath), ex.Message);
        }
    }

    [Property(MaxTest = Cases)]
    public void Select_RandomCatalogsConfigurationsAndHosts_AgreesWithRealLoads(int seed)
    {
        Scenario scenario = Generate(seed);
        foreach ((string name, DeviceCatalog host) in scenario.Hosts)
        {
            HostVerdict verdict = HostSelector.Check(scenario.Vm, host, name);
            Outcome outcome = Load(scenario.Vm, host, scenario.Stream);
            string context = $"seed {seed}, {name}{Environment.NewLine}{scenario.Description}{Environment.NewLine}select: "
                + (verdict.Fits ? "fits" : string.Join(Environment.NewLine, verdict.Reasons)) + $"{Environment.NewLine}load: {outcome}";

            Assert.True(verdict.Fits == outcome.Loaded, context);
            if (!verdict.Fits)
            {
                AssertSameReason(verdict, outcome, context);
            }
        }
    }

    [Property(MaxTest = 100)]
    public void Select_HostsAndVmReadFromTheirDocuments_GivesTheVerdictOfTheLiveCatalogs(int seed)
    {
        Scenario scenario = Generate(seed);
        VmConfiguration vm = VmConfiguration.Parse(scenario.Vm.ToUtf8());
        foreach ((string name, DeviceCatalog host) in scenario.Hosts)
        {
            HostVerdict live = HostSelector.Check(scenario.Vm, host, name);
            HostVerdict documented = HostSelector.Check(vm, DeviceCatalog.Parse(host.Describe(indented: false, includeSchemas: true)), name);

            Assert.Equal(live.Reasons, documented.Reasons);
            Assert.Equal(live.Notes, documented.Notes);
        }
    }

    [Fact]
    public void Select_RandomScenarios_AcceptAndRejectForEveryKindOfReason()
    {
        // Guards the property against vacuity: hosts fit, and each kind of reason a destination can give occurs.
        var kinds = new HashSet<SelectionReasonKind>();
        int fits = 0, rejected = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            Scenario scenario = Generate(seed);
            foreach ((string name, DeviceCatalog host) in scenario.Hosts)
            {
                HostVerdict verdict = HostSelector.Check(scenario.Vm, host, name);
                (fits, rejected) = verdict.Fits ? (fits + 1, rejected) : (fits, rejected + 1);
                kinds.UnionWith(verdict.Reasons.Select(r => r.Kind));
            }
        }

        Assert.True(fits > Cases / 2 && rejected > Cases / 2, $"{fits} fit, {rejected} rejected");
        SelectionReasonKind[] expected =
        [
            SelectionReasonKind.ModelMissing, SelectionReasonKind.VersionUnsupported, SelectionReasonKind.ParameterUnknown,
            SelectionReasonKind.ValueUnsupported, SelectionReasonKind.ValueFixedByVersion, SelectionReasonKind.SchemaIncompatible,
        ];
        Assert.True(kinds.IsSupersetOf(expected), "reached: " + string.Join(", ", kinds));
    }

    /// <summary>
    /// The destination creates every device before it loads: it fails on the first device select refuses for a creation
    /// reason, with that reason; else on the first device refused at load, with its configuration reason or one of its
    /// schema reasons (the loader meets the breaks in stream order, the checker lists them field by field).
    /// </summary>
    private static void AssertSameReason(HostVerdict verdict, Outcome outcome, string context)
    {
        SelectionReason? creation = verdict.Reasons.FirstOrDefault(r => !LoadStage.Contains(r.Kind));
        if (creation is not null)
        {
            Assert.True((creation.Device, creation.Kind, creation.Subject) == (outcome.Device, outcome.Kind, outcome.Subject), context);
            return;
        }

        SelectionReason first = verdict.Reasons[0];
        Assert.True(first.Device == outcome.Device, context);
        SelectionReason[] ofDevice = [.. verdict.Reasons.Where(r => r.Device == first.Device)];
        if (outcome.Kind == SelectionReasonKind.ConfigurationMismatch)
        {
            Assert.True((first.Kind, first.Subject) == (outcome.Kind, outcome.Subject), context);
        }
        else
        {
            Assert.True(ofDevice.Any(r => r.Kind == outcome.Kind && r.Subject == outcome.Subject), context);
        }
    }

    private static SelectionReasonKind CreationKind(ConfigurationIssueKind kind) => kind switch
    {
        ConfigurationIssueKind.ModelMissing => SelectionReasonKind.ModelMissing,
        ConfigurationIssueKind.Syntax => SelectionReasonKind.Syntax,
        ConfigurationIssueKind.VersionUnsupported => SelectionReasonKind.VersionUnsupported,
        ConfigurationIssueKind.ParameterUnknown => SelectionReasonKind.ParameterUnknown,
        ConfigurationIssueKind.ValueInvalid => SelectionReasonKind.ValueUnsupported,
        ConfigurationIssueKind.ValueFixedByVersion => SelectionReasonKind.ValueFixedByVersion,
        _ => SelectionReasonKind.ConfigurationMismatch,
    };

    /// <summary>The checker's path of a loader's field path: <c>dev0.f3 [PRIVATE 3]</c> is <c>f3</c>; no path is the device itself.</summary>
    private static string FieldOf(string? path)
    {
        if (path is null)
        {
            return string.Empty;
        }

        int dot = path.IndexOf('.', StringComparison.Ordinal);
        string field = dot < 0 ? string.Empty : path[(dot + 1)..];
        int tag = field.IndexOf(" [", StringComparison.Ordinal);
        return tag < 0 ? field : field[..tag];
    }

    private static byte[] Save(IReadOnlyList<IDeviceState> devices)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            SchemaEmbedding.WriteSchemas(writer, devices);
            var instances = new Dictionary<string, uint>(StringComparer.Ordinal);
            foreach (IDeviceState device in devices)
            {
                uint instance = instances.GetValueOrDefault(device.Type.Id);
                instances[device.Type.Id] = instance + 1;
                writer.WriteDevice(device, instance);
            }

            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }
}
