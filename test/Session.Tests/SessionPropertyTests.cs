using FsCheck.Xunit;
using MigrationFormat.Testing;

namespace MigrationFormat.Session.Tests;

/// <summary>
/// Random sessions over an in-memory duplex pipe: random devices on each side (types, instances, versions, states,
/// accelerators with or without the switchover acknowledgement on each side), random capability sets with random
/// requirements on each side, and a random cut. The outcome is always completed-with-the-source's-state or
/// failed-with-nothing-changed, and it is the one the negotiation rules and the cut's position predict.
/// </summary>
public class SessionPropertyTests
{
    private static readonly string[] CapabilityNames = [SessionFormat.IntegrityCapability, SessionFormat.SwitchoverAckCapability, "x-alpha", "x-beta"];

    [Property(MaxTest = 100)]
    public void Migrate_RandomDevicesCapabilitiesAcksAndCuts_EndsAsPredicted(int seed) =>
        Task.Run(() => CheckAsync(Scenario.Generate(new Random(seed)), seed)).GetAwaiter().GetResult();

    [Fact]
    public void Generate_ManyScenarios_CoverEveryPredictedOutcome()
    {
        var outcomes = new HashSet<Prediction>();
        bool xy = false;
        for (int seed = 0; seed < 400; seed++)
        {
            Scenario scenario = Scenario.Generate(new Random(seed));
            outcomes.Add(scenario.Predict());
            xy |= scenario.Predict() == Prediction.Completes
                && scenario.Devices.Any(d => d.Accelerator && d.AtSource && d.SourceAck && d.DestinationAck)
                && scenario.Devices.Any(d => d.Accelerator && d.AtSource && !d.SourceAck && d.DestinationAck);
        }

        Assert.Equal([Prediction.Completes, Prediction.Refused, Prediction.LoadFails], outcomes.Order());
        Assert.True(xy, "no scenario has the switchover acknowledgement on one accelerator and not on another");
    }

    private static async Task CheckAsync(Scenario scenario, int seed)
    {
        Prediction prediction = scenario.Predict();
        Cut? cut = null;
        if (scenario.CutFraction is { } fraction && prediction == Prediction.Completes)
        {
            // Where the messages fall depends on the devices and capabilities: find out from an uncut run of the same scenario.
            MigrationRun reference = await Run(scenario, null);
            Assert.True(reference.Destination.Completed, $"seed {seed}: reference run {reference.Destination}");
            byte[] stream = scenario.CutForward ? reference.Wire.Forward : reference.Wire.Backward;
            cut = new Cut(scenario.CutForward, (long)(fraction * (stream.Length + 8)));
            (bool sourceCompletes, bool destinationCompletes) = Expect(cut, reference);
            await CheckRunAsync(scenario, cut, sourceCompletes, destinationCompletes, seed);
            return;
        }

        if (scenario.CutFraction is { } anyFraction)
        {
            cut = new Cut(scenario.CutForward, (long)(anyFraction * 2000));
        }

        bool completes = prediction == Prediction.Completes;
        await CheckRunAsync(scenario, cut, completes, completes, seed);
    }

    private static (bool Source, bool Destination) Expect(Cut cut, MigrationRun reference)
    {
        if (cut.Forward)
        {
            bool whole = cut.Offset >= reference.Wire.Forward.Length;
            return (whole, whole);
        }

        Element committed = Elements.Split(reference.Wire.Backward).Single(e => e.Tag == SessionFormat.CommittedTag);
        return (cut.Offset >= committed.End, cut.Offset >= committed.Offset);
    }

    private static async Task CheckRunAsync(Scenario scenario, Cut? cut, bool sourceCompletes, bool destinationCompletes, int seed)
    {
        (IReadOnlyList<SessionDevice> source, IReadOnlyList<SessionDevice> destination) = scenario.Create();
        string[] before = DeviceState.Of(destination);
        byte[][] saved = destination.Select(d => DeviceState.SaveAt(d.Device, d.Device.Version)).ToArray();

        MigrationRun run = await Run(scenario, cut, source, destination);

        string context = $"seed {seed}, {scenario}, cut {cut?.ToString() ?? "none"}: source {run.Source}; destination {run.Destination}";
        Assert.True(run.Source.Completed == sourceCompletes, context);
        Assert.True(run.Destination.Completed == destinationCompletes, context);
        if (!destinationCompletes)
        {
            Assert.Equal(before, DeviceState.Of(destination));
            if (cut is null)
            {
                SessionErrorKind expected = scenario.Predict() == Prediction.Refused ? SessionErrorKind.Refused : SessionErrorKind.LoadFailed;
                Assert.True(run.Destination.Failure!.Kind == expected, context);
                Assert.True(
                    run.Source.Failure!.Kind == (expected == SessionErrorKind.Refused ? SessionErrorKind.Refused : SessionErrorKind.PeerFailed),
                    context);
            }

            return;
        }

        for (int i = 0; i < destination.Count; i++)
        {
            SessionDevice target = destination[i];
            SessionDevice? origin = source.FirstOrDefault(s => s.Name == target.Name);
            if (origin is null)
            {
                Assert.True(before[i] == DeviceState.Of(target.Device), $"{context}: {target.Name} was not offered and changed");
                continue;
            }

            int version = run.Destination.Result!.Devices.Single(d => d.Name == target.Name).Version;
            byte[]? memory = (origin.Device as VfioAccelerator)?.Memory.ToArray();
            Assert.True(
                DeviceState.Expected(target.Device, saved[i], origin.Device, version, memory) == DeviceState.Of(target.Device),
                $"{context}: {target.Name} differs from a direct load of the source's state as v{version}");
        }
    }

    private static Task<MigrationRun> Run(Scenario scenario, Cut? cut)
    {
        (IReadOnlyList<SessionDevice> source, IReadOnlyList<SessionDevice> destination) = scenario.Create();
        return Run(scenario, cut, source, destination);
    }

    private static Task<MigrationRun> Run(Scenario scenario, Cut? cut, IReadOnlyList<SessionDevice> source, IReadOnlyList<SessionDevice> destination) =>
        Migration.RunAsync(
            source,
            destination,
            Migration.Quiet(new SessionOptions { Capabilities = scenario.SourceCapabilities, DataChunkSize = 1024 }),
            Migration.Quiet(new SessionOptions { Capabilities = scenario.DestinationCapabilities, SaveVersions = scenario.SaveVersions }),
            cut);

    internal enum Prediction
    {
        Completes,
        Refused,
        LoadFails,
    }

    /// <summary>One device of a scenario, on either side or both.</summary>
    internal sealed record DeviceSpec(
        DeviceType Type,
        uint Instance,
        bool AtSource,
        bool AtDestination,
        int SourceVersion,
        int DestinationVersion,
        int Seed,
        bool SourceAck,
        bool DestinationAck,
        int SourcePages,
        int DestinationPages)
    {
        public bool Accelerator => Type == VfioAccelerator.DeviceType;

        public string Name => SessionDevice.FormatName(Type.Id, Instance);

        public IDeviceState Create(bool source)
        {
            int version = source ? SourceVersion : DestinationVersion;
            IDeviceState device;
            if (Accelerator)
            {
                int pages = source ? SourcePages : DestinationPages;
                VfioAccelerator accelerator = SessionSamples.CreateBusyAccelerator(version, 256, pages, source ? SourceAck : DestinationAck);
                byte[] page = new byte[256];
                new Random(Seed + (source ? 0 : 1)).NextBytes(page);
                accelerator.WritePage(0, page);
                device = accelerator;
            }
            else
            {
                device = Type.Create(version);
            }

            RandomStateVisitor.Randomize(device, Seed + (source ? 0 : 7919));
            return device;
        }

        public override string ToString() =>
            $"{Name}[{(AtSource ? "v" + SourceVersion : "-")}/{(AtDestination ? "v" + DestinationVersion : "-")}"
            + (Accelerator ? $" ack {SourceAck}/{DestinationAck} pages {SourcePages}/{DestinationPages}]" : "]");
    }

    /// <summary>A random session: its devices, both sides' capabilities, versions the destination asks for, and where to cut.</summary>
    internal sealed record Scenario(
        IReadOnlyList<DeviceSpec> Devices,
        IReadOnlyList<SessionCapability> SourceCapabilities,
        IReadOnlyList<SessionCapability> DestinationCapabilities,
        IReadOnlyDictionary<string, int>? SaveVersions,
        double? CutFraction,
        bool CutForward)
    {
        public static Scenario Generate(Random random)
        {
            var devices = new List<DeviceSpec>();
            DeviceType[] types = [Uart16550.DeviceType, Mc146818Rtc.DeviceType, VirtioNet.DeviceType, VhostUserBackend.DeviceType, VfioAccelerator.DeviceType];
            int count = random.Next(1, 5);
            var names = new HashSet<string>();
            while (devices.Count < count)
            {
                DeviceType type = types[random.Next(types.Length)];
                uint instance = (uint)random.Next(2);
                if (!names.Add(SessionDevice.FormatName(type.Id, instance)))
                {
                    continue;
                }

                int where = random.Next(12);
                int pages = random.Next(4, 24);
                devices.Add(new DeviceSpec(
                    type,
                    instance,
                    AtSource: where != 0,
                    AtDestination: where != 1,
                    SourceVersion: random.Next(1, 4),
                    DestinationVersion: random.Next(1, 4),
                    Seed: random.Next(),
                    SourceAck: random.Next(3) != 0,
                    DestinationAck: random.Next(3) != 0,
                    SourcePages: pages,
                    DestinationPages: random.Next(12) == 0 ? pages + 1 : pages));
            }

            if (!devices.Any(d => d.AtSource))
            {
                devices[0] = devices[0] with { AtSource = true };
            }

            Dictionary<string, int>? saveVersions = null;
            if (random.Next(4) == 0)
            {
                DeviceSpec asked = devices[random.Next(devices.Count)];
                saveVersions = new Dictionary<string, int> { [asked.Type.Id] = random.Next(1, asked.DestinationVersion + 1) };
            }

            bool cut = random.Next(5) < 3;
            return new Scenario(devices, Capabilities(random), Capabilities(random), saveVersions, cut ? random.NextDouble() : null, random.Next(2) == 0);
        }

        /// <summary>The outcome the rules give, worked out from the scenario alone (docs/protocol.md, negotiation).</summary>
        public Prediction Predict()
        {
            var offered = SourceCapabilities.Select(c => c.Name).ToHashSet();
            var supported = DestinationCapabilities.Select(c => c.Name).ToHashSet();
            if (SourceCapabilities.Any(c => c.Required && !supported.Contains(c.Name))
                || DestinationCapabilities.Any(c => c.Required && !offered.Contains(c.Name)))
            {
                return Prediction.Refused;
            }

            bool ackOffered = offered.Contains(SessionFormat.SwitchoverAckCapability);
            bool ackInForce = ackOffered && supported.Contains(SessionFormat.SwitchoverAckCapability);
            bool loadFails = false;
            foreach (DeviceSpec device in Devices.Where(d => d.AtSource))
            {
                if (!device.AtDestination)
                {
                    return Prediction.Refused;
                }

                int version = Math.Min(device.SourceVersion, device.DestinationVersion);
                if (SaveVersions is not null && SaveVersions.TryGetValue(device.Type.Id, out int asked))
                {
                    version = asked;
                }

                if (version > device.SourceVersion)
                {
                    return Prediction.Refused;
                }

                if (device.Accelerator && ackOffered && device.SourceAck && !(ackInForce && device.DestinationAck))
                {
                    return Prediction.Refused;
                }

                loadFails |= device.Accelerator && device.SourcePages != device.DestinationPages;
            }

            return loadFails ? Prediction.LoadFails : Prediction.Completes;
        }

        public (IReadOnlyList<SessionDevice> Source, IReadOnlyList<SessionDevice> Destination) Create() =>
            (Devices.Where(d => d.AtSource).Select(d => new SessionDevice(d.Create(source: true), d.Instance)).ToList(),
             Devices.Where(d => d.AtDestination).Select(d => new SessionDevice(d.Create(source: false), d.Instance)).ToList());

        public override string ToString() =>
            $"devices {string.Join(" ", Devices)}; source offers {string.Join(",", SourceCapabilities)}; "
            + $"destination supports {string.Join(",", DestinationCapabilities)}"
            + (SaveVersions is null ? string.Empty : "; asks " + string.Join(",", SaveVersions.Select(p => $"{p.Key}=v{p.Value}")));

        private static List<SessionCapability> Capabilities(Random random)
        {
            var capabilities = new List<SessionCapability>();
            foreach (string name in CapabilityNames)
            {
                if (random.Next(3) != 0)
                {
                    capabilities.Add(new SessionCapability(name, Required: random.Next(6) == 0));
                }
            }

            return capabilities;
        }
    }
}
