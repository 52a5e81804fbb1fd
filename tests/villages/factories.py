import factory
from django.utils.text import slugify

from tests.municipalities.factories import MunicipalityFactory, plain_place_name
from villages.constants import AssociationLevel, OrganisationKind, PlanActionStatus, PlanKind, VillageKind
from villages.models import Association, PlanAction, Village, VillageOrganisation, VillagePlan


class AssociationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Vereniging Kleine Kernen {n}")
    short_name = factory.Sequence(lambda n: f"VKK{n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)}-{n}")
    level = AssociationLevel.PROVINCIAL
    parent = None
    province = "Gelderland"
    email = factory.LazyAttribute(lambda o: f"info@{o.slug}.nl")

    class Meta:
        model = Association

    class Params:
        national = factory.Trait(
            level=AssociationLevel.NATIONAL,
            name=factory.Sequence(lambda n: f"Landelijke Vereniging Kleine Kernen {n}"),
            short_name="LVKK",
            province="",
        )


class VillageFactory(factory.django.DjangoModelFactory):
    name = factory.LazyFunction(plain_place_name)
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)}-{n}")
    kind = VillageKind.DORP
    municipality = factory.SubFactory(MunicipalityFactory)
    population = factory.Faker("pyint", min_value=150, max_value=6000)
    description = factory.Faker("paragraph", locale="nl_NL")

    class Meta:
        model = Village


class VillageOrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.LazyAttribute(lambda o: f"Dorpsbelangen {o.village.name}")
    kind = OrganisationKind.VILLAGE_INTEREST
    village = factory.SubFactory(VillageFactory)
    association = None
    contact_name = factory.Faker("name", locale="nl_NL")
    contact_email = factory.Faker("email", locale="nl_NL")
    contact_phone = factory.Faker("phone_number", locale="nl_NL")

    class Meta:
        model = VillageOrganisation

    class Params:
        village_hall = factory.Trait(
            kind=OrganisationKind.VILLAGE_HALL,
            name=factory.LazyAttribute(lambda o: f"Dorpshuis {o.village.name}"),
        )


class VillagePlanFactory(factory.django.DjangoModelFactory):
    village = factory.SubFactory(VillageFactory)
    kind = PlanKind.VILLAGE_VISION
    title = factory.LazyAttribute(lambda o: f"Dorpsvisie {o.village.name} {o.year}")
    year = 2025
    summary = factory.Faker("paragraph", locale="nl_NL")

    class Meta:
        model = VillagePlan


class PlanActionFactory(factory.django.DjangoModelFactory):
    plan = factory.SubFactory(VillagePlanFactory)
    what = factory.Faker("sentence", locale="nl_NL")
    how = factory.Faker("paragraph", locale="nl_NL")
    when = factory.Faker("date_between", start_date="+1m", end_date="+2y")
    by_whom = factory.Faker("name", locale="nl_NL")
    status = PlanActionStatus.PLANNED

    class Meta:
        model = PlanAction
        skip_postgeneration_save = True

    @factory.post_generation
    def initiatives(self, create, extracted, **kwargs):
        if create and extracted:
            self.initiatives.set(extracted)
