namespace MigrationFormat.Session.Tests;

/// <summary>The negotiation rules, one at a time (docs/protocol.md, negotiation).</summary>
public class NegotiationTests
{
    private static readonly SessionCapability Session = new(SessionFormat.SessionCapability, Required: true);
    private static readonly SessionCapability Ack = new(SessionFormat.SwitchoverAckCapability);

    [Fact]
    public void Decide_BothSupportTheAckForADevice_ItIsUsed()
    {
        SessionAnswer answer = Decide([Accelerator(ack: true)], [new VfioAccelerator(switchoverAck: true)]);

        Assert.True(answer.IsAccepted);
        Assert.True(answer.Devices[0].SwitchoverAck);
    }

    [Fact]
    public void Decide_SourceDoesNotSupportTheAck_NotUsedForThatDevice()
    {
        SessionAnswer answer = Decide([Accelerator(ack: false)], [new VfioAccelerator(switchoverAck: true)]);

        Assert.True(answer.IsAccepted);
        Assert.False(answer.Devices[0].SwitchoverAck);
    }

    [Fact]
    public void Decide_SourceSupportsTheAckDestinationDoesNot_DeviceRefusedWithTheReason()
    {
        SessionAnswer answer = Decide([Accelerator(ack: true)], [new VfioAccelerator(switchoverAck: false)]);

        Assert.False(answer.IsAccepted);
        Assert.Contains("does not support it", answer.Devices[0].Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SourceAcksXNotYDestinationBoth_AckUsedForXOnly()
    {
        SessionAnswer answer = Decide(
            [Accelerator(ack: true, instance: 0), Accelerator(ack: false, instance: 1)],
            [new VfioAccelerator(switchoverAck: true), new VfioAccelerator(switchoverAck: true)]);

        Assert.True(answer.IsAccepted);
        Assert.Equal([true, false], answer.Devices.Select(d => d.SwitchoverAck));
    }

    [Fact]
    public void Decide_SourceNeedsAnAckDestinationLacksTheCapability_Refused()
    {
        SessionAnswer answer = SessionNegotiator.Decide(Offer([Accelerator(ack: true)]), [], [new SessionDevice(new VfioAccelerator())]);

        Assert.Contains("no switchover acknowledgement", answer.Devices[0].Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NoVersionAsked_TheNewestBothSidesKnow()
    {
        SessionAnswer answer = Decide([new DeviceOffer("serial", 0, 1, 3, false, false)], [new Uart16550(version: 2)]);

        Assert.Equal(2, answer.Devices[0].Version);
    }

    [Fact]
    public void Decide_DestinationAsksForAVersion_ThatOneWhenTheSourceCanSaveIt()
    {
        SessionAnswer answer = Decide(
            [new DeviceOffer("serial", 0, 1, 3, false, false)],
            [new Uart16550(version: 3)],
            new Dictionary<string, int> { ["serial"] = 1 });

        Assert.Equal(1, answer.Devices[0].Version);
    }

    [Fact]
    public void Decide_DestinationAsksForAVersionTheSourceCannotSave_Refused()
    {
        SessionAnswer answer = Decide(
            [new DeviceOffer("serial", 0, 2, 3, false, false)],
            [new Uart16550(version: 3)],
            new Dictionary<string, int> { ["serial"] = 1 });

        Assert.Contains("versions 2 to 3", answer.Devices[0].Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_DeviceTheDestinationDoesNotHave_Refused()
    {
        SessionAnswer answer = Decide([new DeviceOffer("serial", 1, 1, 3, false, false)], [new Uart16550()]);

        Assert.Equal("the destination has no device serial#1", answer.Devices[0].Refusal);
    }

    [Fact]
    public void Decide_OfferedConfigurationChangesTheLayoutDifferently_RefusedNamingTheParameter()
    {
        IDeviceState source = VirtioNet.DeviceType.Create("rx-filter-size=64");
        var offer = new DeviceOffer("virtio-net", 0, 1, source.Version, false, false) { Configuration = source.Configuration.ToRecord() };

        SessionAnswer answer = Decide([offer], [VirtioNet.DeviceType.Create("rx-filter-size=16")]);

        Assert.False(answer.IsAccepted);
        Assert.Contains("rx-filter-size", answer.Devices[0].Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_OfferedConfigurationEqualToTheDestinations_Accepted()
    {
        IDeviceState source = VirtioNet.DeviceType.Create("rx-filter-size=64");
        var offer = new DeviceOffer("virtio-net", 0, 1, source.Version, false, false) { Configuration = source.Configuration.ToRecord() };

        SessionAnswer answer = Decide([offer], [VirtioNet.DeviceType.Create("rx-filter-size=64")]);

        Assert.True(answer.IsAccepted);
    }

    [Fact]
    public void Decide_IterativeAtTheSourceOnly_Refused()
    {
        SessionAnswer answer = Decide([new DeviceOffer("serial", 0, 1, 3, Iterative: true, false)], [new Uart16550()]);

        Assert.Contains("pre-copy data", answer.Devices[0].Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SameDeviceOfferedTwice_SecondRefused()
    {
        DeviceOffer serial = new("serial", 0, 1, 3, false, false);

        SessionAnswer answer = Decide([serial, serial], [new Uart16550()]);

        Assert.True(answer.Devices[0].Accepted);
        Assert.Contains("offered twice", answer.Devices[1].Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_CapabilitiesInForce_AreThoseOfferedAndSupported()
    {
        SessionOffer offer = Offer([], [Session, new("crc32c"), new("x-only-source"), Ack]);

        SessionAnswer answer = SessionNegotiator.Decide(offer, [new("crc32c"), new("x-only-destination")], []);

        Assert.True(answer.IsAccepted);
        Assert.Equal(["session", "crc32c"], answer.Capabilities);
    }

    [Fact]
    public void Decide_RequiredBySourceUnsupported_RefusedNamingIt()
    {
        SessionAnswer answer = SessionNegotiator.Decide(Offer([], [Session, new("x-pages", Required: true)]), [], []);

        Assert.Equal(["the source requires capability 'x-pages', which the destination does not support"], answer.Refusals);
    }

    [Fact]
    public void Decide_RequiredByDestinationNotOffered_RefusedNamingIt()
    {
        SessionAnswer answer = SessionNegotiator.Decide(Offer([], [Session]), [new("crc32c", Required: true)], []);

        Assert.Equal(["the destination requires capability 'crc32c', which the source does not offer"], answer.Refusals);
    }

    [Fact]
    public void Decide_NoSessionCapability_RefusedAsNotASession()
    {
        SessionAnswer answer = SessionNegotiator.Decide(Offer([], [new("crc32c")]), [new("crc32c")], []);

        Assert.Contains(answer.Refusals, r => r.Contains("not a migration session", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_OneWay_TheSavedVersionWhateverTheDestinationRunsAs()
    {
        SessionOffer offer = Offer([new DeviceOffer("serial", 0, 3, 3, false, false)], [Session], returnPath: false);

        SessionAnswer answer = SessionNegotiator.Decide(
            offer,
            [],
            [new SessionDevice(new Uart16550(version: 1))],
            new Dictionary<string, int> { ["serial"] = 2 });

        Assert.Equal(3, answer.Devices[0].Version);
    }

    [Fact]
    public void Decide_OneWaySwitchoverAckRequired_RefusedForWantOfAReturnPath()
    {
        SessionOffer offer = Offer([], [Session, new(SessionFormat.SwitchoverAckCapability, Required: true)], returnPath: false);

        SessionAnswer answer = SessionNegotiator.Decide(offer, [Ack], []);

        Assert.Contains(answer.Refusals, r => r.Contains("needs a return path", StringComparison.Ordinal));
    }

    private static DeviceOffer Accelerator(bool ack, uint instance = 0) => new("vfio-accel", instance, 1, 3, Iterative: true, SwitchoverAck: ack);

    private static SessionOffer Offer(IReadOnlyList<DeviceOffer> devices, IReadOnlyList<SessionCapability>? capabilities = null, bool returnPath = true) =>
        new("test", capabilities ?? [Session, Ack], returnPath, devices);

    private static SessionAnswer Decide(
        IReadOnlyList<DeviceOffer> offers,
        IReadOnlyList<IDeviceState> devices,
        IReadOnlyDictionary<string, int>? versions = null)
    {
        var local = new List<SessionDevice>();
        for (int i = 0; i < devices.Count; i++)
        {
            local.Add(new SessionDevice(devices[i], (uint)local.Count(d => d.Device.Type == devices[i].Type)));
        }

        return SessionNegotiator.Decide(Offer(offers), [Ack], local, versions);
    }
}
