/*
 * dev/platform.h - MMIO addresses and interrupt numbers of QEMU virt.
 *
 * Only these are constants (docs/BOOT.md, "What is discovered, not
 * assumed"); RAM size, harts and bootargs come from the device tree.
 */
#ifndef KITE_DEV_PLATFORM_H
#define KITE_DEV_PLATFORM_H

#define TESTDEV_PA 0x00100000UL  /* sifive test device: power-off with status */
#define RTC_PA 0x00101000UL      /* goldfish RTC */
#define UART0_PA 0x10000000UL    /* ns16550a */
#define UART0_IRQ 10
#define VIRTIO_MMIO_PA 0x10001000UL /* eight 4 KiB virtio-mmio slots */
#define VIRTIO_MMIO_SIZE 0x8000UL
#define PLIC_PA 0x0c000000UL
#define PLIC_SIZE 0x600000UL

#endif
