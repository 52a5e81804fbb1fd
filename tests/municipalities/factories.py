from dataclasses import dataclass
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from faker import Faker

from municipalities.constants import OfficerRole
from municipalities.models import Fund, Municipality, OfficerMembership

_faker = Faker("nl_NL")


def plain_place_name() -> str:
    """A Dutch place name without an apostrophe ('s-Heerenberg, 't Zandt). Pages escape the
    apostrophe, so a test comparing the raw name with the page failed now and then; escaping
    itself is tested with such names on purpose (tests/villages, tests/initiatives)."""
    while "'" in (name := _faker.city()):
        pass
    return name


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.nl")
    password = factory.django.Password("geheim-wachtwoord")
    is_active = True

    class Meta:
        model = get_user_model()

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    name = factory.LazyFunction(plain_place_name)
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)}-{n}")
    cbs_code = factory.Sequence(lambda n: f"GM{n % 10000:04d}")
    province = "Gelderland"
    supporting_association = None
    contact_email = factory.LazyAttribute(lambda o: f"initiatieven@{o.slug}.nl")
    role_statement = factory.Faker("paragraph", locale="nl_NL")

    class Meta:
        model = Municipality

    class Params:
        supported = factory.Trait(
            supporting_association=factory.SubFactory("tests.villages.factories.AssociationFactory")
        )


class OfficerMembershipFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory, staff=True)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = OfficerRole.CONTACT_OFFICER
    job_title = "dorpsregisseur"
    phone = factory.Faker("phone_number", locale="nl_NL")

    class Meta:
        model = OfficerMembership
        skip_postgeneration_save = True

    class Params:
        coordinator = factory.Trait(role=OfficerRole.COORDINATOR, job_title="coördinator initiatieven")

    @factory.post_generation
    def villages(self, create, extracted, **kwargs):
        if create and extracted:
            self.villages.set(extracted)


class FundFactory(factory.django.DjangoModelFactory):
    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Leefbaarheidsfonds {n}")
    year = 2026
    budget = Decimal("50000.00")
    max_per_initiative = Decimal("5000.00")
    min_own_share_percent = Decimal("10.00")
    description = factory.Faker("paragraph", locale="nl_NL")

    class Meta:
        model = Fund


@dataclass
class TwoMunicipalities:
    """Two tenants: `a` supported by DKK Gelderland (a child of the national LVKK), `b` by an
    association outside LVKK. A facilitator of `national` or `provincial` sees `a`, never `b`."""

    national: object
    provincial: object
    other: object
    a: Municipality
    b: Municipality


def two_municipalities() -> TwoMunicipalities:
    from tests.villages.factories import AssociationFactory

    national = AssociationFactory(national=True)
    provincial = AssociationFactory(parent=national, name="DKK Gelderland", short_name="DKK")
    other = AssociationFactory(name="Vereniging Kleine Kernen Elders", short_name="VKK Elders")
    return TwoMunicipalities(
        national=national,
        provincial=provincial,
        other=other,
        a=MunicipalityFactory(name="Nunspeet", supporting_association=provincial),
        b=MunicipalityFactory(name="Oldebroek", supporting_association=other),
    )
