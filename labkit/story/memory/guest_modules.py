"""Kernel modules an Ubuntu 22.04 server on KVM has loaded after boot, as `lsmod` lists them (newest
first), with their core sizes. An image whose lsmod shows only the story's modules is plainly synthetic."""

from __future__ import annotations

UBUNTU_KVM_GUEST = (
    ("tls", 114_688), ("nls_iso8859_1", 16_384), ("intel_rapl_msr", 20_480),
    ("intel_rapl_common", 40_960), ("kvm_intel", 372_736), ("kvm", 1_032_192),
    ("crct10dif_pclmul", 16_384), ("ghash_clmulni_intel", 16_384), ("sha512_ssse3", 49_152),
    ("aesni_intel", 376_832), ("crypto_simd", 16_384), ("cryptd", 24_576), ("input_leds", 16_384),
    ("joydev", 32_768), ("serio_raw", 20_480), ("qemu_fw_cfg", 20_480), ("mac_hid", 16_384),
    ("dm_multipath", 40_960), ("scsi_dh_rdac", 20_480), ("scsi_dh_emc", 16_384),
    ("scsi_dh_alua", 20_480), ("sch_fq_codel", 20_480), ("msr", 16_384), ("efi_pstore", 16_384),
    ("ip_tables", 32_768), ("x_tables", 53_248), ("autofs4", 49_152), ("psmouse", 176_128),
    ("virtio_net", 61_440), ("net_failover", 24_576), ("failover", 16_384), ("virtio_scsi", 24_576),
    ("i2c_piix4", 32_768), ("pata_acpi", 16_384), ("floppy", 118_784),
)  # fmt: skip
