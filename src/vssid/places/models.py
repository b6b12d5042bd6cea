"""Administrative units of the 2025 reform (34 provinces, 3,321 communes) and BHXH offices."""
from django.db import models
from django.db.models import Q


class Province(models.Model):
    code = models.CharField(primary_key=True, max_length=2)
    name = models.CharField(max_length=100)  # "Thành phố Hà Nội"
    short_name = models.CharField(max_length=100)  # "Hà Nội"
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune-level unit (xã, phường, đặc khu) of the 2025 structure."""

    code = models.CharField(primary_key=True, max_length=5)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    name = models.CharField(max_length=100)  # "Phường Ba Đình"
    short_name = models.CharField(max_length=100)  # "Ba Đình"
    kind = models.CharField(max_length=20)  # "Phường", "Xã", "Đặc khu"
    latitude = models.FloatField()
    longitude = models.FloatField()
    area_km2 = models.FloatField(null=True)

    class Meta:
        ordering = ["short_name"]
        indexes = [models.Index(fields=["province", "short_name"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"


class OfficeQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Office(models.Model):
    """A BHXH office that receives declarations.

    The shipped list is derived from the public 2025 structure (QĐ 2286/QĐ-BTC: one BHXH
    tỉnh/thành phố per province plus BHXH cơ sở offices); it is not an official register, and an
    operator replaces it with `vssid places import-offices FILE.csv`.
    """

    class Kind(models.TextChoices):
        PROVINCIAL = "provincial", "BHXH tỉnh/thành phố"
        LOCAL = "local", "BHXH cơ sở"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="offices")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="offices")
    address = models.CharField(max_length=300)
    latitude = models.FloatField()
    longitude = models.FloatField()
    opening_hours = models.CharField(max_length=200)
    phone = models.CharField(max_length=30, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, help_text="Where this record comes from.")
    # Every write path sets this (auto_now for save(), explicitly in bulk writes): the selectors'
    # per-process cache of valid offices compares (count, latest updated_at) to notice changes.
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["province__short_name", "kind", "name"]

    def __str__(self) -> str:
        return self.name
