namespace MigrationFormat.QemuCheck.Tests;

/// <summary>
/// The situations of QEMU's own functional test of <c>scripts/vmstate-static-checker.py</c> (tests/functional, comparing
/// tests/data/vmstate-static-checker/dump1.json with dump2.json; 13 problems expected), each rebuilt here as a small pair of
/// entries of our own, with the checker's answer. Where QEMU's expectation and this checker differ, the test says why
/// (docs/schema.md, "QEMU's checker").
/// </summary>
public sealed class QemuPublishedExpectationTests
{
    private static VmsdField F(string name, int size, int version = 0, bool exists = false, VmsdDescription? nested = null) => new(name, version, exists,
        null, size, nested);

    private static VmsdDescription D(string name, int version, int minimum, VmsdField[] fields, params VmsdDescription[] subsections) => new(name, version,
        minimum, fields, subsections);

    private static VmStateDumpDevice E(string type, int version, int minimum, VmsdDescription? description) => new(type, version, minimum, description);

    private static VmsdDescription PciDevice(bool irqState = true) =>
        D("PCIDevice", 2, 1, irqState ? [F("version_id", 4), F("config", 256), F("irq_state", 16, version: 2)] : [F("version_id", 4), F("config", 256)]);

    private static VmStateDeviceResult Check(VmStateDumpDevice source, VmStateDumpDevice? destination) => VmStateChecker.CheckDevice(source, destination);

    [Fact]
    public void Check_MachineTypesDiffer_IsAWarningAsInQemu()
    {
        var dump1 = new VmStateDump("pc-i440fx-2.1", []);
        var dump2 = new VmStateDump("pc-i440fx-2.2", []);

        VmStateCheckReport report = VmStateChecker.Check(dump1, dump2);

        Assert.Equal(VmStateVerdict.Compatible, report.Verdict);
        Assert.Equal(VmStateFindingKind.MachineMismatch, Assert.Single(report.Findings).Kind);
    }

    [Fact]
    public void Check_SectionMissingInDestination_IsRefusedAsInQemu()
    {
        // QEMU: Section "fw_cfg" does not exist in dest.
        VmStateDeviceResult result = Check(E("fw_cfg", 2, 1, D("fw_cfg", 2, 1, [F("cur_entry", 2), F("cur_offset", 4, version: 2)])), null);

        Assert.Equal(VmStateVerdict.Incompatible, result.Verdict);
        Assert.Equal((VmStateFindingKind.DeviceMissing, VmStateSeverity.Refused), (result.Findings[0].Kind, result.Findings[0].Severity));
    }

    [Fact]
    public void Check_SectionVersionAboveDestination_IsRefusedAsInQemu()
    {
        // QEMU: Section "fusbh200-ehci-usb" version error: 2 > 1 (the entry's version is what the section header carries).
        VmsdDescription ehci = D("ehci-sysbus", 2, 1, [F("usbcmd", 4)]);

        VmStateDeviceResult result = Check(E("fusbh200-ehci-usb", 2, 1, ehci), E("fusbh200-ehci-usb", 1, 1, ehci));

        Assert.Equal(VmStateVerdict.Incompatible, result.Verdict);
        Assert.Equal(VmStateFindingKind.SectionVersion, Assert.Single(result.Findings).Kind);
    }

    [Fact]
    public void Check_NestedFieldRemoved_IsRefusedWithOneRootCauseWhereQemuSkipsTheRest()
    {
        // QEMU: Description "ehci-core": expected field "usbsts", got "usbsts_pending"; skipping rest.
        VmsdField[] core = [F("usbcmd", 4), F("usbsts", 4), F("usbsts_pending", 4, version: 2), F("usbintr", 4), F("frindex", 4)];
        VmStateDumpDevice source = E("ehci", 2, 1, D("ehci-sysbus", 2, 1, [F("ehci", 1880, version: 2, nested: D("ehci-core", 2, 1, core))]));
        VmStateDumpDevice destination = E("ehci", 2, 1, D("ehci-sysbus", 2, 1, [F("ehci", 1880, version: 2, nested: D("ehci-core", 2, 1,
            [.. core.Where(f => f.Name != "usbsts")]))]));

        VmStateDeviceResult result = Check(source, destination);

        Assert.Equal(VmStateVerdict.Incompatible, result.Verdict);
        VmStateFinding finding = Assert.Single(result.Findings);
        Assert.Equal((VmStateFindingKind.FieldRemoved, "ehci.usbsts", VmStateSeverity.Refused), (finding.Kind, finding.Path, finding.Severity));
        Assert.Contains("out of step from here", finding.Consequence, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DestinationDescriptionWithoutFields_IsRefusedAsInQemu()
    {
        // QEMU: Description "pci-serial-multi": Entry "Fields" missing.
        VmStateDumpDevice source = E("pci-serial-4x", 1, 1, D("pci-serial-multi", 1, 1, [F("dev", 1944, nested: PciDevice()), F("level", 4)]));

        VmStateDeviceResult result = Check(source, E("pci-serial-4x", 1, 1, D("pci-serial-multi", 1, 1, [])));

        Assert.Equal((VmStateVerdict.Incompatible, VmStateSeverity.Refused), (result.Verdict, result.Findings[0].Severity));
    }

    [Fact]
    public void Check_StructFieldLosesItsDescription_IsRefusedAsInQemu()
    {
        // QEMU: Description "intel-hda", Field "pci": missing description. The destination reads 1944 raw bytes where 276 were sent.
        VmStateDumpDevice source = E("intel-hda-generic", 1, 0, D("intel-hda", 1, 0, [F("pci", 1944, nested: PciDevice()), F("g_ctl", 4)]));

        VmStateDeviceResult result = Check(source, E("intel-hda-generic", 1, 0, D("intel-hda", 1, 0, [F("pci", 1944), F("g_ctl", 4)])));

        Assert.Equal((VmStateVerdict.Incompatible, VmStateSeverity.Refused), (result.Verdict, result.Findings[0].Severity));
    }

    [Fact]
    public void Check_DestinationEntryWithoutDescription_IsRefusedAsInQemu()
    {
        // QEMU: Section "cfi.pflash01": Entry "Description" missing.
        VmStateDeviceResult result = Check(E("cfi.pflash01", 1, 1, D("pflash_cfi01", 1, 1, [F("wcycle", 1)])), E("cfi.pflash01", 1, 1, null));

        Assert.Equal((VmStateVerdict.Incompatible, VmStateFindingKind.DeviceMissing), (result.Verdict, result.Findings[0].Kind));
    }

    [Fact]
    public void Check_TrailingNestedFieldOnlyTheSourceHas_IsRefusedAsInQemu()
    {
        // QEMU: Description "PCIDevice": expected field "irq_state", while dest has no further fields.
        VmStateDeviceResult result = Check(
            E("megasas", 0, 0, D("megasas", 0, 0, [F("parent_obj", 1944, nested: PciDevice()), F("fw_state", 4)])),
            E("megasas", 0, 0, D("megasas", 0, 0, [F("parent_obj", 1944, nested: PciDevice(irqState: false)), F("fw_state", 4)])));

        Assert.Equal(VmStateVerdict.Incompatible, result.Verdict);
        Assert.Equal((VmStateFindingKind.FieldRemoved, "parent_obj.irq_state"), (result.Findings[0].Kind, result.Findings[0].Path));
    }

    [Fact]
    public void Check_SourceDescriptionBelowDestinationMinimum_IsIncompatibleForTheFieldItDoesNotSend()
    {
        // QEMU: Description "PIIX3": minimum version error: 1 < 2. The section header carries the entry's version 3, which the
        // destination accepts; the break is that a source saving at description version 1 leaves out pci_irq_levels_vmstate (v3).
        VmsdField[] fields = [F("dev", 1944, nested: PciDevice()), F("pci_irq_levels_vmstate", 4, version: 3)];
        VmStateDeviceResult result = Check(E("PIIX3-xen", 3, 2, D("PIIX3", 1, 2, fields)), E("PIIX3-xen", 3, 2, D("PIIX3", 3, 2, fields)));

        Assert.Equal(VmStateVerdict.Incompatible, result.Verdict);
        Assert.Equal((VmStateFindingKind.FieldVersion, "pci_irq_levels_vmstate"), (result.Findings[0].Kind, result.Findings[0].Path));
    }

    [Fact]
    public void Check_SubsectionsMissingInDestination_IsConditionalWhereQemuReportsAnError()
    {
        // QEMU: Description "PIIX3": Entry "Subsections" missing. A subsection is sent only when its needed test passes, so
        // the destination refuses the stream only then: conditional (exit 4), not a break.
        VmsdField[] fields = [F("dev", 1944, nested: PciDevice())];
        VmStateDeviceResult result = Check(
            E("PIIX3-xen", 3, 2, D("PIIX3", 3, 2, fields, D("PIIX3/rcr", 1, 1, [F("rcr", 1)]))),
            E("PIIX3-xen", 3, 2, D("PIIX3", 3, 2, fields)));

        Assert.Equal(VmStateVerdict.Conditional, result.Verdict);
        VmStateFinding finding = Assert.Single(result.Findings);
        Assert.Equal((VmStateFindingKind.SubsectionMissing, "when the source sends subsection 'PIIX3/rcr'"), (finding.Kind, finding.Condition));
    }

    [Fact]
    public void Check_TopLevelDescriptionRenamed_IsRefusedAsInQemu()
    {
        // QEMU: Description "tpci200" missing, got "tpci2002" instead. The name is the section id on the wire.
        VmsdField[] fields = [F("big_endian", 1), F("ctrl", 1)];
        VmStateDeviceResult result = Check(E("tpci200", 1, 1, D("tpci200", 1, 1, fields)), E("tpci200", 1, 1, D("tpci2002", 1, 1, fields)));

        Assert.Equal((VmStateVerdict.Incompatible, VmStateFindingKind.SectionRenamed), (result.Verdict, result.Findings[0].Kind));
    }

    [Fact]
    public void Check_DescriptionVersionBelowStreamVersion_IsRefusedAsInQemu()
    {
        // QEMU: Description "fdc": version error: 2 > 1 (vmstate_load_state: incoming version_id 2 is too new).
        VmsdField[] fields = [F("sra", 1), F("srb", 1)];
        VmStateDeviceResult result = Check(E("sun-fdtwo", 2, 2, D("fdc", 2, 2, fields)), E("sun-fdtwo", 2, 2, D("fdc", 1, 2, fields)));

        Assert.Equal((VmStateVerdict.Incompatible, VmStateFindingKind.SectionVersion), (result.Verdict, result.Findings[0].Kind));
    }

    [Fact]
    public void Check_NestedSubsectionMissing_IsConditionalWhereQemuReportsAnError()
    {
        // QEMU: Description "fdrive": Subsection "fdrive/media_rate" not found.
        static VmsdDescription Drive(bool rate) => D("fdrive", 1, 1, [F("head", 1), F("track", 1)], rate
            ? [D("fdrive/media_changed", 1, 1, [F("media_changed", 1)]), D("fdrive/media_rate", 1, 1, [F("media_rate", 1)])]
            : [D("fdrive/media_changed", 1, 1, [F("media_changed", 1)])]);
        VmStateDeviceResult result = Check(
            E("sun-fdtwo", 2, 2, D("fdc", 2, 2, [F("drives", 40, version: 1, nested: Drive(rate: true))])),
            E("sun-fdtwo", 2, 2, D("fdc", 2, 2, [F("drives", 40, version: 1, nested: Drive(rate: false))])));

        Assert.Equal(VmStateVerdict.Conditional, result.Verdict);
        Assert.Equal("drives.fdrive/media_rate", Assert.Single(result.Findings).Path);
    }

    [Fact]
    public void Check_FieldNarrowed_IsRefusedAsInQemu()
    {
        // QEMU: Description "usb-kbd" Field "kbd.keycodes" size mismatch: 4 , 2.
        VmStateDeviceResult result = Check(
            E("usb-kbd", 1, 1, D("usb-kbd", 1, 1, [F("kbd.keycodes", 4), F("head", 4)])),
            E("usb-kbd", 1, 1, D("usb-kbd", 1, 1, [F("kbd.keycodes", 2), F("head", 4)])));

        Assert.Equal((VmStateVerdict.Incompatible, VmStateFindingKind.FieldResized), (result.Verdict, Assert.Single(result.Findings).Kind));
    }

    [Fact]
    public void Check_FieldRenamedOnly_IsCompatibleWhereQemuNeedsAWhitelist()
    {
        // QEMU's checker reports a renamed field (hpet's num_timers in 10.0) unless its changed_names table lists it.
        VmStateDeviceResult result = Check(
            E("hpet", 2, 1, D("hpet", 2, 1, [F("config", 8), F("num_timers", 1)])),
            E("hpet", 2, 1, D("hpet", 2, 1, [F("config", 8), F("num_timers_save", 1)])));

        Assert.Equal(VmStateVerdict.Compatible, result.Verdict);
        Assert.Equal((VmStateFindingKind.FieldRenamed, VmStateSeverity.Warning), (result.Findings[0].Kind, result.Findings[0].Severity));
    }

    [Fact]
    public void Check_TrailingFieldOnlyTheDestinationHas_IsRefusedWhereQemuSeesNothing()
    {
        // QEMU's checker stops when the source's fields run out; the destination still reads the extra field.
        VmStateDeviceResult result = Check(
            E("esp", 6, 3, D("esp", 6, 3, [F("lun", 1)])),
            E("esp", 6, 3, D("esp", 6, 3, [F("lun", 1), F("drq_state", 1)])));

        Assert.Equal((VmStateVerdict.Incompatible, VmStateFindingKind.FieldAdded), (result.Verdict, Assert.Single(result.Findings).Kind));
    }

    [Fact]
    public void Check_SameSizeFieldsSwapped_IsSilentCorruption()
    {
        // QEMU's checker reports "expected field a, got b; skipping rest"; the load succeeds with the two values exchanged.
        VmStateDeviceResult result = Check(
            E("dev", 1, 1, D("dev", 1, 1, [F("a", 4), F("b", 4), F("c", 4)])),
            E("dev", 1, 1, D("dev", 1, 1, [F("b", 4), F("a", 4), F("c", 4)])));

        Assert.Equal(VmStateVerdict.Incompatible, result.Verdict);
        VmStateFinding finding = Assert.Single(result.Findings);
        Assert.Equal((VmStateFindingKind.FieldMoved, VmStateSeverity.SilentCorruption), (finding.Kind, finding.Severity));
    }
}
